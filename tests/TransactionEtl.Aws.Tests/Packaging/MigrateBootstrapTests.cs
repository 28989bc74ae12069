using System.Text.Json;
using Npgsql;
using TransactionEtl.Aws.Tests.Loopback;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Testing;
using Xunit.Abstractions;

namespace TransactionEtl.Aws.Tests.Packaging;

/// <summary>
/// The Native AOT bootstrap from migrate.zip serves the migrate invocation Terraform sends: both secrets from a
/// loopback Secrets Manager, the embedded migrations and the loader login role on a fresh database.
/// </summary>
public sealed class MigrateBootstrapTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("txetl-lambda-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [PackagedFact]
    public async Task The_AOT_bootstrap_migrates_and_creates_the_loader_role_for_a_migrate_invocation()
    {
        await using var fresh = await TestDatabase.CreateAsync(migrate: false);
        var builder = new NpgsqlConnectionStringBuilder(fresh.ConnectionString);
        var role = "aot_loader_" + Guid.NewGuid().ToString("N")[..8];
        var loader = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["host"] = builder.Host, ["port"] = builder.Port, ["username"] = role, ["password"] = "aot-loader-password", ["dbname"] = builder.Database,
        });
        var master = JsonSerializer.Serialize(new { username = builder.Username, password = builder.Password ?? "socket-trust" });
        await using var secretsManager = new SecretsManagerLoopback((id, _) => id switch { "loader" => loader, "master" => master, _ => null });
        await using var runtime = new LoopbackRuntimeApi();
        runtime.Enqueue("aot-migrate-1", "{}");

        using var process = LambdaPackageTests.Start(LambdaPackageTests.Extract(_work, "migrate"), new()
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtime.HostPort,
            ["_HANDLER"] = "migrate",
            ["AWS_LAMBDA_FUNCTION_NAME"] = "txetl-migrate",
            ["TXETL_DB_SECRET_ID"] = "loader",
            ["TXETL_MIGRATION_DB_SECRET_ID"] = "master",
            ["TXETL_DB_SSL_MODE"] = "Disable", // the test cluster has no TLS; production defaults to VerifyFull
            ["AWS_REGION"] = "eu-central-1",
            ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = secretsManager.Server.BaseUri.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "test-secret-key",
        });
        try
        {
            var report = await runtime.NextReportAsync(TimeSpan.FromSeconds(120));

            Assert.True(report.Kind == RuntimeReportKind.Response, $"{report.Kind} {report.ErrorType}: {report.Body}");
            var response = JsonDocument.Parse(report.Body).RootElement;
            Assert.Equal((role, "created"), (response.GetProperty("loader_role").GetString(), response.GetProperty("loader_role_action").GetString()));
            Assert.NotEmpty(response.GetProperty("applied").EnumerateArray());
        }
        finally
        {
            await LambdaPackageTests.StopAsync(process);
            output.WriteLineIfPossible(await process.StandardOutput.ReadToEndAsync());
        }
        await using var connection = await fresh.OpenConnectionAsync();
        await using var member = new NpgsqlCommand("SELECT pg_has_role(@role, 'txetl_loader', 'MEMBER')", connection);
        member.Parameters.AddWithValue("role", role);
        Assert.Equal(true, await member.ExecuteScalarAsync());
    }
}
