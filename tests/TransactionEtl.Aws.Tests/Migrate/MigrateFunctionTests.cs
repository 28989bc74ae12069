using System.Text.Json;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Migrate;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.Tests.RunEtl;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Migrate;

/// <summary>
/// The migrate function in-process, as the bootstrap builds it: both secrets from a loopback Secrets Manager,
/// the migrations and the login role on a fresh database of the test cluster, then run-etl loading as that role.
/// </summary>
public sealed class MigrateFunctionTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>, IDisposable
{
    private const string LoaderSecretId = RunEtlTestHost.LoaderSecretId;
    private const string MasterSecretId = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-0123-AbCdEf";

    private readonly StringWriter _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private static LambdaHandler Create(SecretsManagerLoopback secretsManager)
    {
        var environment = new Dictionary<string, string?>
        {
            [EnvironmentVariables.DbSecretId] = LoaderSecretId,
            [EnvironmentVariables.MigrationDbSecretId] = MasterSecretId,
            [EnvironmentVariables.DbSslMode] = "Disable",
            [EnvironmentVariables.EndpointUrlSecretsManager] = secretsManager.Server.BaseUri.ToString(),
            [EnvironmentVariables.Region] = "eu-central-1",
        };
        var services = new LambdaFunctionServices(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, TimeProvider.System, environment.GetValueOrDefault);
        return MigrateFunction.Create(services, new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "test-secret-key")).HandleAsync;
    }

    private static SecretsManagerLoopback Serve(TestDatabase database, string loaderRole)
    {
        var superuser = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var master = JsonSerializer.Serialize(new { username = superuser.Username, password = superuser.Password ?? "socket-trust" });
        return new SecretsManagerLoopback((id, _) => id switch
        {
            MasterSecretId => master,
            LoaderSecretId => RunEtlTestHost.SecretFor(database.ConnectionString, loaderRole, "loader-password"),
            _ => null,
        });
    }

    [Fact]
    public async Task Migrate_applies_the_migrations_and_creates_the_loader_login_role_that_run_etl_then_loads_as()
    {
        await using var fresh = await TestDatabase.CreateAsync(migrate: false);
        var role = "loader_" + Guid.NewGuid().ToString("N")[..8];
        await using var secretsManager = Serve(fresh, role);
        var migrate = Create(secretsManager);
        Assert.True(LambdaFunctions.TryGetFactory(LambdaFunctions.Migrate, out _));

        var response = JsonDocument.Parse(await migrate("{}"u8.ToArray(), RunEtlTestHost.Context(), default)).RootElement;

        Assert.Equal(("migrate", role, "created"), (response.GetProperty("mode").GetString(), response.GetProperty("loader_role").GetString(), response.GetProperty("loader_role_action").GetString()));
        Assert.Contains(response.GetProperty("applied").EnumerateArray(), s => s.GetString()!.Contains("0005_loader_role", StringComparison.Ordinal));
        await using (var connection = await fresh.OpenConnectionAsync())
        {
            await using var member = new NpgsqlCommand("SELECT pg_has_role(@role, 'txetl_loader', 'MEMBER') AND NOT r.rolsuper FROM pg_roles r WHERE r.rolname = @role", connection);
            member.Parameters.AddWithValue("role", role);
            Assert.Equal(true, await member.ExecuteScalarAsync());
        }

        // run-etl, given only the loader secret, loads as that role with the group's grants.
        await using var runEtl = RunEtlTestHost.CreateHandler(s3rver, secretsManager, _metrics);
        var bucket = await s3rver.CreateBucketAsync("migrate");
        var csv = System.Text.Encoding.UTF8.GetBytes(Core.Samples.SampleGenerator.Header + "\nM1,2026-11-26T10:00:00Z,ACC-1,Shop,books,10.00,EUR,DE,,false\n");
        var put = await s3rver.PutAsync(bucket, "incoming/m.csv", csv);
        var summary = JsonDocument.Parse(await runEtl.HandleAsync(RunEtlTestHost.Event(bucket, "incoming/m.csv", put.ETag.Trim('"'), csv.Length), RunEtlTestHost.Context(), default)).RootElement;
        Assert.Equal("loaded", summary.GetProperty("status").GetString());

        var again = JsonDocument.Parse(await migrate("""{"mode":"migrate"}"""u8.ToArray(), RunEtlTestHost.Context(), default)).RootElement;
        Assert.Equal("updated", again.GetProperty("loader_role_action").GetString());
        Assert.Empty(again.GetProperty("applied").EnumerateArray());
        Assert.Equal(2, secretsManager.Reads[MasterSecretId]);
    }

    [Fact]
    public async Task A_loader_secret_naming_the_group_role_fails_with_its_own_error_and_leaves_the_group_role_nologin()
    {
        await using var fresh = await TestDatabase.CreateAsync(migrate: false);
        await using var secretsManager = Serve(fresh, "txetl_loader");

        var ex = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => Create(secretsManager)("{}"u8.ToArray(), RunEtlTestHost.Context(), default));

        Assert.Equal("TransactionEtl.LoaderRoleError", LambdaError.FromException(ex).ErrorType);
        Assert.Contains("loader_username", ex.Message);
        await using var connection = await fresh.OpenConnectionAsync();
        await using var login = new NpgsqlCommand("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'txetl_loader'", connection);
        Assert.Equal(false, await login.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("""{"mode":"load"}""", "Unknown mode 'load'")]
    [InlineData("""{"bucket":""", "not a JSON object")]
    public async Task Any_other_event_is_refused_before_a_secret_is_read(string input, string expected)
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => null);

        var ex = await Assert.ThrowsAsync<InvalidMigrateRequestException>(() => Create(secretsManager)(System.Text.Encoding.UTF8.GetBytes(input), RunEtlTestHost.Context(), default));

        Assert.Contains(expected, ex.Message);
        Assert.Empty(secretsManager.Server.Requests);
    }
}
