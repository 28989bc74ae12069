using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.RunEtl;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.S3.Internal;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Core;
using TransactionEtl.Core.Samples;
using TransactionEtl.Testing;
using Xunit.Abstractions;

namespace TransactionEtl.Aws.Tests.RunEtl;

/// <summary>
/// run-etl end to end in-process: the object in a real s3rver, the database secret served by a loopback Secrets Manager
/// endpoint, the load into the real test PostgreSQL (no TLS there, so TXETL_DB_SSL_MODE=Disable is set
/// explicitly; production defaults to VerifyFull).
/// </summary>
public sealed class RunEtlFunctionTests(S3rverFixture s3rver, PostgresFixture db)
    : IClassFixture<S3rverFixture>, IClassFixture<PostgresFixture>, IDisposable
{
    private const string LoaderSecretId = RunEtlTestHost.LoaderSecretId;
    private const string MasterSecretId = "prod/txetl/master";

    private static readonly string Header = SampleGenerator.Header;
    private static string GoodRow(int id, int amount) => $"T{id},2026-11-26T10:00:00Z,ACC-1,Shop,books,{amount}.00,EUR,DE,,false";

    private static string BadRow(int id, int amount) => $"T{id},2026-11-26T10:00:00Z,ACC-1,Shop,books,{amount}.00,XXX,DE,,false";

    private readonly StringWriter _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private RunEtlHandler CreateHandler(SecretsManagerLoopback secretsManager, IDictionary<string, string?>? extra = null) =>
        RunEtlTestHost.CreateHandler(s3rver, secretsManager, _metrics, extra);

    private static string SecretFor(string connectionString, string? username = null, string? password = null) =>
        RunEtlTestHost.SecretFor(connectionString, username, password);

    private static LambdaContext Context(TimeSpan? timeout = null) => RunEtlTestHost.Context(timeout);

    private static byte[] Event(string bucket, string key, string? eTag, long size) => RunEtlTestHost.Event(bucket, key, eTag, size);

    private static byte[] Csv(int good, int bad, int start = 1)
    {
        var text = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < good; i++) text.Append(GoodRow(start + i, 10 + i)).Append('\n');
        for (var i = 0; i < bad; i++) text.Append(BadRow(start + good + i, 10 + i)).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private async Task<(JsonElement Summary, string Bucket)> InvokeAsync(RunEtlHandler handler, string key, byte[] content, string? bucket = null)
    {
        bucket ??= await s3rver.CreateBucketAsync("runetl");
        var put = await s3rver.PutAsync(bucket, key, content);
        var response = await handler.HandleAsync(Event(bucket, key, put.ETag.Trim('"'), content.Length), Context(), default);
        return (JsonDocument.Parse(response).RootElement.Clone(), bucket);
    }

    private static string KeyOf(string s3Uri, string bucket) => s3Uri[$"s3://{bucket}/".Length..];

    [Fact]
    public async Task Copies_straight_into_the_table_and_reads_the_object_again_only_for_an_id_stored_before()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => SecretFor(db.ConnectionString));
        using var log = new StringWriter();
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secretsManager, _metrics, log: log);
        // T8100 is the clean file's first id: a repeat within one file is caught on the direct path, a stored id is not.
        var repeated = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Csv(good: 30, bad: 0, start: 8000)) + GoodRow(8100, 99) + "\n");

        var (clean, _) = await InvokeAsync(handler, "incoming/direct.csv", Csv(good: 30, bad: 1, start: 8100));
        var cleanLog = log.ToString();
        var (twice, _) = await InvokeAsync(handler, "incoming/repeated.csv", repeated);
        var repeatedLog = log.ToString()[cleanLog.Length..];

        Assert.Equal(("loaded_with_rejects", 30L), (clean.GetProperty("status").GetString(), clean.GetProperty("rows_loaded").GetInt64()));
        Assert.Contains("\"event\":\"LoadPathChosen\"", cleanLog);
        Assert.Contains(": direct path (", cleanLog);
        Assert.DoesNotContain("FastPathFellBack", cleanLog);
        // The second GET of the object fed the staging path, which found the stored id exactly.
        Assert.Contains("\"event\":\"FastPathFellBack\"", repeatedLog);
        // The repeat has another amount than the stored row: a key conflict (issue 17), rejected by default, not a duplicate.
        Assert.Equal((31L, 30L, 0L, 1L), (twice.GetProperty("rows_total").GetInt64(), twice.GetProperty("rows_loaded").GetInt64(),
            twice.GetProperty("rows_duplicate").GetInt64(), twice.GetProperty("rows_conflicting").GetInt64()));
        Assert.Equal(1L, twice.GetProperty("reject_reasons").GetProperty("key-conflict").GetInt64());
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM txetl.transactions WHERE transaction_id IN ('T8000', 'T8001', 'T8002')", connection);
        Assert.Equal(3L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Loads_a_clean_file_and_writes_both_reports()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => SecretFor(db.ConnectionString));
        await using var handler = CreateHandler(secretsManager);

        var (summary, bucket) = await InvokeAsync(handler, "incoming/clean day.csv", Csv(good: 3, bad: 0, start: 1000));

        Assert.Equal("loaded", summary.GetProperty("status").GetString());
        Assert.Equal(3, summary.GetProperty("rows_loaded").GetInt64());
        Assert.StartsWith($"s3://{bucket}/incoming/clean day.csv", summary.GetProperty("file").GetString());
        var reports = summary.GetProperty("reports");
        var summaryUri = reports.GetProperty("summary_json").GetString()!;
        var rejectsUri = reports.GetProperty("rejects_csv").GetString()!;
        Assert.StartsWith($"s3://{bucket}/reports/incoming-clean_day.csv-", summaryUri);
        var stored = JsonDocument.Parse((await s3rver.GetAsync(bucket, KeyOf(summaryUri, bucket)))!).RootElement;
        Assert.Equal(summary.GetProperty("file_id").GetInt64(), stored.GetProperty("file_id").GetInt64());
        Assert.Equal("line,codes,errors,raw_record\r\n", Encoding.UTF8.GetString((await s3rver.GetAsync(bucket, KeyOf(rejectsUri, bucket)))!));
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM txetl.transactions WHERE transaction_id IN ('T1000','T1001','T1002')", connection);
        Assert.Equal(3L, await count.ExecuteScalarAsync());
        // One EMF line for the file, dimensioned by function name only.
        var emf = JsonDocument.Parse(_metrics.ToString().Trim()).RootElement;
        Assert.Equal(3, emf.GetProperty("RowsLoaded").GetInt64());
        Assert.Equal("run-etl", emf.GetProperty("FunctionName").GetString());
        // The correction counts of issue 17 go to CloudWatch as the summary has them.
        Assert.Equal(summary.GetProperty("rows_conflicting").GetInt64(), emf.GetProperty("RowsConflicting").GetInt64());
        Assert.Equal(summary.GetProperty("rows_updated").GetInt64(), emf.GetProperty("RowsUpdated").GetInt64());
    }

    [Fact]
    public async Task Reports_rejected_rows_in_the_CSV_and_answers_already_loaded_on_a_second_invocation()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => SecretFor(db.ConnectionString));
        await using var handler = CreateHandler(secretsManager);
        var content = Csv(good: 20, bad: 1, start: 2000);

        var (summary, bucket) = await InvokeAsync(handler, "incoming/some-rejects.csv", content);

        Assert.Equal("loaded_with_rejects", summary.GetProperty("status").GetString());
        Assert.Equal(1, summary.GetProperty("rows_rejected").GetInt64());
        var rejects = Encoding.UTF8.GetString((await s3rver.GetAsync(bucket, KeyOf(summary.GetProperty("reports").GetProperty("rejects_csv").GetString()!, bucket)))!);
        var lines = rejects.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("22,", lines[1]); // header is line 1, the bad row is the 21st data row
        Assert.Contains("XXX", lines[1]);
        Assert.EndsWith('"' + BadRow(2020, 10) + '"', lines[1]); // the raw text, quoted as a CSV field

        var again = await handler.HandleAsync(Event(bucket, "incoming/some-rejects.csv", null, content.Length), Context(), default);
        // Without version or ETag the source key is the bare URI, so the content hash finds it.
        var second = JsonDocument.Parse(again).RootElement;
        Assert.Equal("already_loaded", second.GetProperty("status").GetString());
        Assert.Equal(summary.GetProperty("file_id").GetInt64(), second.GetProperty("file_id").GetInt64());
    }

    [Fact]
    public async Task A_file_over_the_reject_threshold_is_a_normal_result_with_status_rejected()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => SecretFor(db.ConnectionString));
        await using var handler = CreateHandler(secretsManager);

        var (summary, bucket) = await InvokeAsync(handler, "incoming/bad.csv", Csv(good: 1, bad: 5, start: 3000));

        Assert.Equal("rejected", summary.GetProperty("status").GetString());
        Assert.Equal(0, summary.GetProperty("rows_loaded").GetInt64());
        Assert.Contains("too-many-rejects", summary.GetProperty("reject_reasons").EnumerateObject().Select(p => p.Name));
        var rejects = Encoding.UTF8.GetString((await s3rver.GetAsync(bucket, KeyOf(summary.GetProperty("reports").GetProperty("rejects_csv").GetString()!, bucket)))!);
        Assert.Equal(6, rejects.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_database_that_refuses_connections_surfaces_as_the_retried_error_type()
    {
        using var closed = new ClosedPort();
        await using var secretsManager = new SecretsManagerLoopback((_, _) => JsonSerializer.Serialize(new { host = "127.0.0.1", port = closed.Port, username = "u", password = "p", dbname = "d" }));
        await using var handler = CreateHandler(secretsManager);
        var bucket = await s3rver.CreateBucketAsync("runetl");
        var content = Csv(1, 0, 4000);
        var put = await s3rver.PutAsync(bucket, "a.csv", content);

        var ex = await Assert.ThrowsAnyAsync<TransactionEtlException>(() =>
            handler.HandleAsync(Event(bucket, "a.csv", put.ETag.Trim('"'), content.Length), Context(), default));

        Assert.True(ex.IsTransient, ex.ToString());
        Assert.Equal(LambdaError.TransientErrorType, LambdaError.FromException(ex).ErrorType);
        Assert.Contains("s3://" + bucket + "/a.csv", ex.Message);
    }

    [Fact]
    public async Task A_missing_object_is_a_permanent_error()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => SecretFor(db.ConnectionString));
        await using var handler = CreateHandler(secretsManager);
        var bucket = await s3rver.CreateBucketAsync("runetl");

        var ex = await Assert.ThrowsAnyAsync<TransactionEtlException>(() =>
            handler.HandleAsync(Event(bucket, "gone.csv", null, 10), Context(), default));

        Assert.False(ex.IsTransient);
        Assert.NotEqual(LambdaError.TransientErrorType, LambdaError.FromException(ex).ErrorType);
    }

    [Fact]
    public async Task An_event_without_a_key_is_rejected_with_its_own_error_type()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => SecretFor(db.ConnectionString));
        await using var handler = CreateHandler(secretsManager);

        var ex = await Assert.ThrowsAsync<InvalidRunEtlRequestException>(() =>
            handler.HandleAsync("""{"bucket":"b"}"""u8.ToArray(), Context(), default));

        Assert.Equal("TransactionEtl.InvalidRunEtlRequestError", LambdaError.FromException(ex).ErrorType);
        Assert.Contains("lacks key", ex.Message);
    }

    [Fact]
    public async Task Stops_before_the_deadline_and_records_the_file_as_failed()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => SecretFor(db.ConnectionString));
        await using var handler = CreateHandler(secretsManager, new Dictionary<string, string?> { [EnvironmentVariables.TimeoutMarginMs] = "1000" });
        var bucket = await s3rver.CreateBucketAsync("runetl");
        var content = Csv(1, 0, 5000);
        var put = await s3rver.PutAsync(bucket, "late.csv", content);

        // The deadline is already within the margin: the load must stop at once, not run into Lambda's kill.
        var ex = await Assert.ThrowsAsync<RunEtlTimeoutException>(() =>
            handler.HandleAsync(Event(bucket, "late.csv", put.ETag.Trim('"'), content.Length), Context(TimeSpan.FromMilliseconds(500)), default));

        Assert.Equal("TransactionEtl.RunEtlTimeoutError", LambdaError.FromException(ex).ErrorType);
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var rows = new NpgsqlCommand("SELECT count(*) FROM txetl.transactions WHERE transaction_id = 'T5000'", connection);
        Assert.Equal(0L, await rows.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Rereads_a_rotated_secret_once_on_invalid_password()
    {
        var roleName = "rotated_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = await db.Database.OpenConnectionAsync())
        {
            await using var create = new NpgsqlCommand($"CREATE ROLE \"{roleName}\" LOGIN PASSWORD 'new-password' IN ROLE txetl_loader", admin);
            await create.ExecuteNonQueryAsync();
        }
        var tcp = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Host = "127.0.0.1" }.ConnectionString;
        // First read: the password before rotation; second read: the current one.
        await using var secretsManager = new SecretsManagerLoopback((_, n) => SecretFor(tcp, roleName, n == 1 ? "old-password" : "new-password"));
        await using var handler = CreateHandler(secretsManager);

        var (summary, _) = await InvokeAsync(handler, "rotated.csv", Csv(2, 0, 6000));

        Assert.Equal("loaded", summary.GetProperty("status").GetString());
        Assert.Equal(2, secretsManager.Reads[LoaderSecretId]);
    }

    [Fact]
    public async Task Migrate_mode_is_refused_with_the_name_of_the_migrate_function_and_no_secret_read()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => SecretFor(db.ConnectionString));
        await using var handler = CreateHandler(secretsManager, new Dictionary<string, string?> { [EnvironmentVariables.MigrationDbSecretId] = MasterSecretId });

        var ex = await Assert.ThrowsAsync<InvalidRunEtlRequestException>(() =>
            handler.HandleAsync("""{"mode":"migrate"}"""u8.ToArray(), Context(), default));

        Assert.Equal("TransactionEtl.InvalidRunEtlRequestError", LambdaError.FromException(ex).ErrorType);
        Assert.Contains("invoke the migrate function", ex.Message);
        Assert.Empty(secretsManager.Server.Requests);
    }
}
