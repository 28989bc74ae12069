using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.RunEtl;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.RunEtl;

/// <summary>Builds run-etl as the factory does, over s3rver and a loopback Secrets Manager endpoint; events and secrets for the tests.</summary>
internal static class RunEtlTestHost
{
    public const string LoaderSecretId = "prod/txetl/loader";

    public static string SecretFor(string connectionString, string? username = null, string? password = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["host"] = builder.Host, ["port"] = builder.Port, ["username"] = username ?? builder.Username,
            // Over the cluster's Unix socket authentication is trust, so any password is accepted there.
            ["password"] = password ?? builder.Password ?? "socket-trust", ["dbname"] = builder.Database,
        });
    }

    // log: where the function's JSON log lines go (the bootstrap's logger); none when null.
    public static RunEtlHandler CreateHandler(S3rverFixture s3rver, SecretsManagerLoopback secretsManager, TextWriter metrics, IDictionary<string, string?>? extra = null,
        TextWriter? log = null)
    {
        var environment = new Dictionary<string, string?>
        {
            [EnvironmentVariables.DbSecretId] = LoaderSecretId,
            [EnvironmentVariables.DbSslMode] = "Disable",
            [EnvironmentVariables.EndpointUrlS3] = s3rver.Endpoint.ToString(),
            [EnvironmentVariables.EndpointUrlSecretsManager] = secretsManager.Server.BaseUri.ToString(),
            [EnvironmentVariables.Region] = "us-east-1",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            environment[k] = v;
        }
        ILoggerFactory loggers = log is null
            ? NullLoggerFactory.Instance
            : new JsonLoggerFactory(log, new LoggingOptions("txetl-run-etl"), new SecretRedactor(), () => null);
        var services = new LambdaFunctionServices(loggers, TimeProvider.System, k => environment.GetValueOrDefault(k))
        {
            MetricsOutput = metrics,
        };
        return RunEtlFunction.Create(services, s3rver.Credentials);
    }

    public static LambdaContext Context(TimeSpan? timeout = null) =>
        LambdaContext.ForLocalInvoke(TimeProvider.System, timeout ?? TimeSpan.FromMinutes(15));

    public static byte[] Event(string bucket, string key, string? eTag, long size) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["bucket"] = bucket, ["key"] = key, ["versionId"] = null, ["eTag"] = eTag, ["size"] = size, ["executionName"] = "test-run",
        });
}
