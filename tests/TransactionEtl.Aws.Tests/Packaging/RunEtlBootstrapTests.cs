using System.Text.Json;
using Npgsql;
using TransactionEtl.Aws.Tests.Loopback;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Testing;
using Xunit.Abstractions;

namespace TransactionEtl.Aws.Tests.Packaging;

/// <summary>
/// Issue 5's end-to-end acceptance: the Native AOT bootstrap from scripts/package-lambda.sh serves a real
/// run-etl invocation from the loopback Runtime API, loading a file from s3rver into the test PostgreSQL
/// with the database secret read through a loopback Secrets Manager endpoint.
/// </summary>
public sealed class RunEtlBootstrapTests(S3rverFixture s3rver, PostgresFixture db, ITestOutputHelper output)
    : IClassFixture<S3rverFixture>, IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("txetl-lambda-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [PackagedFact]
    public async Task The_AOT_bootstrap_loads_a_file_from_S3_into_PostgreSQL_for_a_run_etl_invocation()
    {
        var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        var secret = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["host"] = builder.Host, ["port"] = builder.Port, ["username"] = builder.Username,
            ["password"] = builder.Password ?? "socket-trust", ["dbname"] = builder.Database,
        });
        await using var secretsManager = new SecretsManagerLoopback((_, _) => secret);
        await using var runtime = new LoopbackRuntimeApi();
        var bucket = await s3rver.CreateBucketAsync("aot");
        // 20 good rows (one with a quoted, non-ASCII merchant) and one bad currency: under the reject threshold.
        var csv = "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax\n" +
                  "AOT-0,2026-11-26T10:05:00Z,ACC-2,\"Müller, Drogerie\",health,7.50,EUR,DE,,true\n" +
                  string.Concat(Enumerable.Range(1, 19).Select(i => $"AOT-{i},2026-11-26T10:00:00Z,ACC-1,Shop,books,{10 + i}.00,EUR,DE,,false\n")) +
                  "AOT-X,2026-11-26T10:06:00Z,ACC-2,Shop,books,7.50,XXX,DE,,true\n";
        var put = await s3rver.PutAsync(bucket, "incoming/aot day.csv", System.Text.Encoding.UTF8.GetBytes(csv));
        runtime.Enqueue("aot-run-1", JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["bucket"] = bucket, ["key"] = "incoming/aot day.csv", ["versionId"] = null, ["eTag"] = put.ETag.Trim('"'),
            ["size"] = System.Text.Encoding.UTF8.GetByteCount(csv), ["executionName"] = "aot-e2e",
        }));

        using var process = LambdaPackageTests.Start(LambdaPackageTests.Extract(_work, "run-etl"), new()
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtime.HostPort,
            ["_HANDLER"] = "run-etl",
            ["AWS_LAMBDA_FUNCTION_NAME"] = "txetl-run-etl",
            ["TXETL_DB_SECRET_ID"] = "prod/txetl/loader",
            ["TXETL_DB_SSL_MODE"] = "Disable", // the test cluster has no TLS; production defaults to VerifyFull
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_S3"] = s3rver.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = secretsManager.Server.BaseUri.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "S3RVER",
            ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
        });
        string logs;
        try
        {
            var report = await runtime.NextReportAsync(TimeSpan.FromSeconds(120));

            Assert.True(report.Kind == RuntimeReportKind.Response, $"{report.Kind} {report.ErrorType}: {report.Body}");
            var summary = JsonDocument.Parse(report.Body).RootElement;
            Assert.Equal("loaded_with_rejects", summary.GetProperty("status").GetString());
            Assert.Equal(20, summary.GetProperty("rows_loaded").GetInt64());
            Assert.Equal(1, summary.GetProperty("rows_rejected").GetInt64());
            var rejectsUri = summary.GetProperty("reports").GetProperty("rejects_csv").GetString()!;
            var rejects = System.Text.Encoding.UTF8.GetString((await s3rver.GetAsync(bucket, rejectsUri[$"s3://{bucket}/".Length..]))!);
            Assert.Contains("AOT-X", rejects);
        }
        finally
        {
            await LambdaPackageTests.StopAsync(process);
            logs = await process.StandardOutput.ReadToEndAsync();
            output.WriteLineIfPossible(logs);
        }

        await using var connection = await db.Database.OpenConnectionAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'AOT-%'", connection);
        Assert.Equal(20L, await count.ExecuteScalarAsync());
        // The EMF line for the file went to stdout, where CloudWatch reads it.
        Assert.Contains(logs.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("\"CloudWatchMetrics\"", StringComparison.Ordinal) && l.Contains("\"RowsLoaded\":20,", StringComparison.Ordinal));
        Assert.DoesNotContain(builder.Password ?? "socket-trust", logs);
    }
}
