using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.RunEtl;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.Tests.RunEtl;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Postgres;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Security;

/// <summary>
/// The functions wired as the bootstrap wires them (<see cref="JsonLoggerFactory"/> over <see cref="SecretRedactor.Process"/>, the function factories,
/// Lambda's error document), on the paths where secrets meet errors: run-etl with its database secret read from the
/// loopback Secrets Manager endpoint and a database that refuses the connection or the password, run-etl loading successfully
/// with the real password, notify-chat with webhooks answering 500. Log lines, metric lines, the response, the
/// summary report in S3 and the error document are scanned by <see cref="SecretScanner"/>.
/// </summary>
[Collection(ProcessEnvironmentWriters.Name)]
public sealed class SecretLeakTests(S3rverFixture s3rver, PostgresFixture db) : IClassFixture<S3rverFixture>, IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ProcessEnvironment _environment = new();

    private const string DbPassword = "Db-Secret-Pa55word-of-the-leak-test";
    private const string FakeAwsSecretKey = "function-test-secret";
    private static readonly JsonSerializerOptions ErrorJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Dispose() => _environment.Dispose();

    private string ClusterPassword => new NpgsqlConnectionStringBuilder(DatabaseUrl.ToNpgsqlConnectionString(db.Cluster.Postgres.GetTcpUrl())).Password!;

    private string SecretJson(int port, string password) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["host"] = "127.0.0.1", ["port"] = port, ["username"] = LocalPostgres.SuperUser, ["password"] = password, ["dbname"] = db.Database.Name,
    });

    private static void ScanFailure(SecretScanner scanner, Exception ex, string log)
    {
        // What leaves the function: Lambda's error document (posted by the runtime host, shown by txetl lambda
        // invoke) and the log; ToString() too, which has every inner message.
        scanner.AssertClean("the Lambda error document", JsonSerializer.Serialize(LambdaError.FromException(ex), ErrorJson));
        scanner.AssertClean("the exception with its inner exceptions", ex.ToString());
        scanner.AssertClean("the log and metric lines", log);
    }

    private (RunEtlHandler Handler, StringWriter Log) RunEtl(SecretsManagerLoopback secretsManager)
    {
        var log = new StringWriter();
        var loggers = new JsonLoggerFactory(log, new LoggingOptions("txetl", LogLevel.Trace), SecretRedactor.Process, () => null);
        var environment = new Dictionary<string, string?>
        {
            [EnvironmentVariables.DbSecretId] = RunEtlTestHost.LoaderSecretId,
            [EnvironmentVariables.DbSslMode] = "Disable",
            [EnvironmentVariables.EndpointUrlS3] = s3rver.Endpoint.ToString(),
            [EnvironmentVariables.EndpointUrlSecretsManager] = secretsManager.Server.BaseUri.ToString(),
            [EnvironmentVariables.Region] = "us-east-1",
        };
        var services = new LambdaFunctionServices(loggers, TimeProvider.System, environment.GetValueOrDefault) { MetricsOutput = log };
        return (RunEtlFunction.Create(services, s3rver.Credentials), log);
    }

    private async Task<(string Bucket, byte[] Event)> PutAsync(string key)
    {
        var content = Encoding.UTF8.GetBytes(Core.Samples.SampleGenerator.Header + "\nT1,2026-11-26T10:00:00Z,ACC-1,Shop,books,10.00,EUR,DE,,false\n");
        var bucket = await s3rver.CreateBucketAsync("leaks");
        var put = await s3rver.PutAsync(bucket, key, content);
        return (bucket, RunEtlTestHost.Event(bucket, key, put.ETag.Trim('"'), content.Length));
    }

    [Theory]
    [InlineData("connection refused")]
    [InlineData("wrong password")]
    public async Task Run_etl_failing_to_reach_the_database_never_shows_the_secret(string failure)
    {
        using var closed = new ClosedPort();
        var port = failure == "wrong password" ? db.Cluster.Postgres.Port!.Value : closed.Port;
        var secret = SecretJson(port, DbPassword);
        var scanner = new SecretScanner()
            .Add("the database password from the secret", DbPassword)
            .Add("the whole secret text served by Secrets Manager", secret)
            .Add("the test cluster's real password", ClusterPassword);
        await using var secretsManager = new SecretsManagerLoopback((id, _) => id == RunEtlTestHost.LoaderSecretId ? secret : null);
        var (handler, log) = RunEtl(secretsManager);
        await using (handler)
        {
            var (_, input) = await PutAsync("incoming/leak.csv");

            var ex = await Assert.ThrowsAnyAsync<Exception>(() => handler.HandleAsync(input, RunEtlTestHost.Context(), default));

            // It failed where it should, with a message to scan: not before the database was tried.
            Assert.Equal(failure == "wrong password" ? 2 : 1, secretsManager.Reads[RunEtlTestHost.LoaderSecretId]);
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            ScanFailure(scanner, ex, log.ToString());
        }
    }

    [Fact]
    public async Task Run_etl_loading_with_the_real_password_shows_it_nowhere()
    {
        var secret = SecretJson(db.Cluster.Postgres.Port!.Value, ClusterPassword);
        var scanner = new SecretScanner()
            .Add("the test cluster's real password", ClusterPassword)
            .Add("the whole secret text served by Secrets Manager", secret);
        await using var secretsManager = new SecretsManagerLoopback((id, _) => id == RunEtlTestHost.LoaderSecretId ? secret : null);
        var (handler, log) = RunEtl(secretsManager);
        await using (handler)
        {
            var (bucket, input) = await PutAsync("incoming/loaded.csv");

            var response = Encoding.UTF8.GetString(await handler.HandleAsync(input, RunEtlTestHost.Context(), default));

            Assert.Contains("\"status\":\"loaded\"", response);
            scanner.AssertClean("the run-etl response (the execution's output)", response);
            scanner.AssertClean("the log and metric lines", log.ToString());
            using var client = s3rver.CreateClient();
            var objects = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            Assert.Contains(objects.S3Objects, o => o.Key.StartsWith("reports/", StringComparison.Ordinal));
            foreach (var report in objects.S3Objects.Where(o => o.Key.StartsWith("reports/", StringComparison.Ordinal)))
            {
                using var body = await client.GetObjectAsync(bucket, report.Key);
                using var reader = new StreamReader(body.ResponseStream);
                scanner.AssertClean($"the report s3://{bucket}/{report.Key}", await reader.ReadToEndAsync());
            }
        }
    }

    [Fact]
    public async Task Notify_chat_with_webhooks_answering_500_never_shows_their_urls()
    {
        await using var webhooks = new LoopbackHttpServer((_, _) => new LoopbackResponse(500, "internal error"));
        var slack = new Uri(webhooks.BaseUri, "services/T0LEAK/B0LEAK/slack-leak-test-token").ToString();
        var teams = new Uri(webhooks.BaseUri, "workflows/leak/triggers/manual/paths/invoke?api-version=2016-06-01&sig=teams-leak-test-sig").ToString();
        var secret = JsonSerializer.Serialize(new Dictionary<string, string> { ["slack_webhook_url"] = slack, ["teams_webhook_url"] = teams });
        var scanner = new SecretScanner()
            .Add("the Slack webhook URL", slack)
            .Add("the Slack webhook token", "slack-leak-test-token")
            .Add("the Teams webhook URL", teams)
            .Add("the Teams webhook signature", "teams-leak-test-sig")
            .Add("the fake AWS secret access key", FakeAwsSecretKey);
        await using var secretsManager = new SecretsManagerLoopback((id, _) => id == "prod/txetl/chat" ? secret : null);
        // The Secrets Manager client uses the default credential chain, as in Lambda (same values as NotifyChatFunctionTests).
        _environment.Set(EnvironmentVariables.AccessKeyId, "AKIDFUNCTIONTEST").Set(EnvironmentVariables.SecretAccessKey, FakeAwsSecretKey);
        var environment = new Dictionary<string, string?>
        {
            [EnvironmentVariables.ChatSecretId] = "prod/txetl/chat",
            [EnvironmentVariables.EndpointUrlSecretsManager] = secretsManager.Server.BaseUri.ToString(),
            [EnvironmentVariables.Region] = "eu-west-1",
            [EnvironmentVariables.ChatMaxAttempts] = "2",
        };
        using var log = new StringWriter();
        using var loggers = new JsonLoggerFactory(log, new LoggingOptions("txetl", LogLevel.Trace), SecretRedactor.Process, () => null);
        Assert.True(LambdaFunctions.TryGetFactory(LambdaFunctions.NotifyChat, out var factory));
        var handler = await factory(new LambdaFunctionServices(loggers, TimeProvider.System, environment.GetValueOrDefault), default);
        var input = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "samples", "events", "sns-error-rejected.json"));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => handler(input, RunEtlTestHost.Context(TimeSpan.FromMinutes(1)), default));

        Assert.Equal(4, webhooks.Requests.Count);
        Assert.Contains("HTTP 500", ex.Message);
        ScanFailure(scanner, ex, log.ToString());
        Assert.Contains(secretsManager.Server.Requests, r => r.Headers["Authorization"].Contains("AKIDFUNCTIONTEST", StringComparison.Ordinal));
    }
}
