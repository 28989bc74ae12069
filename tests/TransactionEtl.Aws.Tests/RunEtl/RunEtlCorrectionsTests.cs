using System.Text;
using System.Text.Json;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.RunEtl;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Core.Samples;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.RunEtl;

/// <summary>
/// Issue 17's acceptance "corrections work on AWS too": samples/transactions.csv and samples/corrections/ as S3 objects,
/// the corrections contract read from the bucket (TXETL_CONTRACTS), against s3rver and the test PostgreSQL.
/// </summary>
public sealed class RunEtlCorrectionsTests(S3rverFixture s3rver, PostgresFixture db)
    : IClassFixture<S3rverFixture>, IClassFixture<PostgresFixture>, IDisposable
{
    private const string Mapping = """
        {"incoming/corrections/": "contracts/transactions-corrections.contract.json", "incoming/tx/": "contracts/transactions.contract.json"}
        """;

    private static readonly string[] CorrectedIds = File.ReadAllLines(Sample("corrections", "transactions-corrections.csv"))
        .Skip(1).Select(l => l.Split(',')[0]).ToArray();

    private readonly StringWriter _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private static string Sample(params string[] parts) => Path.Combine([RepositoryRoot.Path, "samples", .. parts]);

    private async Task<JsonElement> InvokeAsync(RunEtlHandler handler, string bucket, string key, byte[] content)
    {
        var put = await s3rver.PutAsync(bucket, key, content);
        var response = await handler.HandleAsync(RunEtlTestHost.Event(bucket, key, put.ETag.Trim('"'), content.Length), RunEtlTestHost.Context(), default);
        return JsonDocument.Parse(response).RootElement.Clone();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private JsonElement LastEmf() => JsonDocument.Parse(_metrics.ToString().Trim().Split('\n')[^1]).RootElement.Clone();

    private static string InList(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => $"'{id}'"));

    [Fact]
    public async Task A_corrections_object_updates_the_stored_rows_keeps_history_and_a_conflict_elsewhere_is_rejected()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(db.ConnectionString));
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secretsManager, _metrics,
            new Dictionary<string, string?> { [EnvironmentVariables.Contracts] = Mapping });
        var bucket = await s3rver.CreateBucketAsync("corrections");
        await s3rver.PutAsync(bucket, "contracts/transactions.contract.json",
            await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "contracts", "transactions.contract.json")));
        await s3rver.PutAsync(bucket, "contracts/transactions-corrections.contract.json",
            await File.ReadAllBytesAsync(Sample("corrections", "transactions-corrections.contract.json")));
        var original = await File.ReadAllBytesAsync(Sample("transactions.csv"));
        var corrections = await File.ReadAllBytesAsync(Sample("corrections", "transactions-corrections.csv"));

        var first = await InvokeAsync(handler, bucket, "incoming/tx/transactions.csv", original);
        var amountsBefore = await ScalarAsync($"SELECT string_agg(gross_amount::text, ',' ORDER BY transaction_id) FROM txetl.transactions WHERE transaction_id IN ({InList(CorrectedIds)})");
        var corrected = await InvokeAsync(handler, bucket, "incoming/corrections/day2.csv", corrections);
        var emf = LastEmf();
        var again = await InvokeAsync(handler, bucket, "incoming/corrections/day2.csv", corrections);

        Assert.Equal(10, CorrectedIds.Length);
        Assert.True(first.GetProperty("rows_loaded").GetInt64() > 250, first.ToString());
        Assert.Equal("loaded", corrected.GetProperty("status").GetString());
        Assert.Equal((10L, 10L, 10L), (corrected.GetProperty("rows_updated").GetInt64(), corrected.GetProperty("rows_conflicting").GetInt64(),
            corrected.GetProperty("rows_loaded").GetInt64()));
        var fileId = corrected.GetProperty("file_id").GetInt64();
        // Every corrected row now belongs to the correcting file, and its previous version is in the history with that file's id.
        Assert.Equal(10L, await ScalarAsync($"SELECT count(*) FROM txetl.transactions WHERE file_id = {fileId} AND transaction_id IN ({InList(CorrectedIds)})"));
        Assert.Equal(10L, await ScalarAsync($"SELECT count(*) FROM txetl.transactions_history WHERE replaced_by_file_id = {fileId}"));
        Assert.Equal(first.GetProperty("file_id").GetInt64(), await ScalarAsync($"SELECT DISTINCT file_id FROM txetl.transactions_history WHERE replaced_by_file_id = {fileId}"));
        Assert.Equal(amountsBefore, await ScalarAsync($"SELECT string_agg(gross_amount::text, ',' ORDER BY transaction_id) FROM txetl.transactions_history WHERE replaced_by_file_id = {fileId}"));
        Assert.Equal((10L, 10L), (emf.GetProperty("RowsUpdated").GetInt64(), emf.GetProperty("RowsConflicting").GetInt64()));
        Assert.Equal("already_loaded", again.GetProperty("status").GetString());
        Assert.Equal(10L, await ScalarAsync("SELECT count(*) FROM txetl.transactions_history"));

        await AssertTheOriginalValuesNowConflictUnderTheDefaultContractAsync(handler, bucket, original);
    }

    // Re-sending the original rows of the corrected ids (with enough new rows to stay under maxRejectedRatio 0.05) under the
    // default contract (onExistingKey reject): each is a key-conflict, the stored corrections stay as they are.
    private async Task AssertTheOriginalValuesNowConflictUnderTheDefaultContractAsync(RunEtlHandler handler, string bucket, byte[] original)
    {
        var lines = Encoding.UTF8.GetString(original).Split('\n');
        var resent = lines.Skip(1).Where(l => CorrectedIds.Contains(l.Split(',')[0]));
        var fresh = Enumerable.Range(0, 250).Select(i => $"T{74000 + i},2026-11-26T10:00:00Z,ACC-1,Shop,books,10.00,EUR,DE,,false");
        var conflicting = Encoding.UTF8.GetBytes(SampleGenerator.Header + "\n" + string.Join("\n", resent.Concat(fresh)) + "\n");

        var summary = await InvokeAsync(handler, bucket, "incoming/tx/resent.csv", conflicting);

        Assert.Equal("loaded_with_rejects", summary.GetProperty("status").GetString());
        Assert.Equal((250L, 10L, 0L), (summary.GetProperty("rows_loaded").GetInt64(), summary.GetProperty("rows_rejected").GetInt64(),
            summary.GetProperty("rows_updated").GetInt64()));
        Assert.Equal(10, summary.GetProperty("reject_reasons").GetProperty("key-conflict").GetInt64());
        Assert.Equal(10L, summary.GetProperty("rows_conflicting").GetInt64());
        Assert.Equal(10L, await ScalarAsync("SELECT count(*) FROM txetl.transactions_history"));
    }
}
