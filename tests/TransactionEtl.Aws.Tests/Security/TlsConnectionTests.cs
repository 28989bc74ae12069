using System.Globalization;
using System.Security.Authentication;
using System.Text.Json;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.RunEtl.Internal;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Postgres;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Security;

/// <summary>
/// TLS to the database through the product's own connection building: run-etl's <see cref="DatabaseConnections"/>
/// (slim data source, <c>TXETL_DB_SSL_MODE</c> / <c>TXETL_DB_ROOT_CERT</c>) and the CLI's <see cref="DatabaseUrl"/>
/// (<c>--database-url ...?sslmode=verify-full&amp;sslrootcert=...</c>), against a PostgreSQL with <c>ssl = on</c> and
/// a certificate for <c>localhost</c> signed by a CA the fixture generated.
/// </summary>
public sealed class TlsConnectionTests(TlsCluster tls) : IClassFixture<TlsCluster>
{
    private RdsSecret Secret(string host) => RdsSecret.Parse("test/tls", JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["host"] = host, ["port"] = tls.Port, ["username"] = LocalPostgres.SuperUser, ["password"] = tls.Password, ["dbname"] = "postgres",
    }));

    private static RunEtlOptions Options(string sslMode, string? rootCertificate) => RunEtlOptions.FromEnvironment(name => name switch
    {
        EnvironmentVariables.DbSecretId => "test/tls",
        EnvironmentVariables.DbSslMode => sslMode,
        EnvironmentVariables.DbRootCertificatePath => rootCertificate,
        _ => null,
    });

    /// <summary>Opens a connection the way run-etl does and asks the server whether this session uses TLS.</summary>
    private async Task<bool> RunEtlSessionUsesTlsAsync(string host, string sslMode, string? rootCertificate)
    {
        var secret = Secret(host);
        await using var dataSource = DatabaseConnections.Build(
            DatabaseConnections.ConnectionString(secret, secret.Username, secret.Password, Options(sslMode, rootCertificate)));
        return await SessionUsesTlsAsync(dataSource);
    }

    private static async Task<bool> SessionUsesTlsAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private string CliUrl(string host, string rootCertificate) => string.Create(CultureInfo.InvariantCulture,
        $"postgres://{LocalPostgres.SuperUser}:{Uri.EscapeDataString(tls.Password)}@{host}:{tls.Port}/postgres?sslmode=verify-full&sslrootcert={Uri.EscapeDataString(rootCertificate)}");

    private static void AssertRefusedByCertificateCheck(Exception exception)
    {
        // Refused for the right reason: the TLS handshake's certificate validation, not a network or login error.
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return;
            }
        }
        Assert.Fail($"expected a refused certificate, got {exception}");
    }

    [Fact]
    public async Task Run_etl_with_VerifyFull_and_the_right_ca_connects_over_tls()
    {
        Assert.True(await RunEtlSessionUsesTlsAsync("localhost", "VerifyFull", tls.CaCertificate));
    }

    [Fact]
    public async Task Run_etl_with_Disable_connects_without_tls_so_the_tls_check_above_can_fail()
    {
        Assert.False(await RunEtlSessionUsesTlsAsync("localhost", "Disable", null));
    }

    [Fact]
    public async Task Run_etl_with_VerifyFull_refuses_a_server_certificate_from_another_ca()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => RunEtlSessionUsesTlsAsync("localhost", "VerifyFull", tls.WrongCaCertificate));
        AssertRefusedByCertificateCheck(ex);
    }

    [Fact]
    public async Task Run_etl_with_VerifyFull_refuses_a_host_name_the_certificate_does_not_name()
    {
        // The same server, reached as 127.0.0.1: the certificate names only DNS:localhost.
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => RunEtlSessionUsesTlsAsync("127.0.0.1", "VerifyFull", tls.CaCertificate));
        AssertRefusedByCertificateCheck(ex);
    }

    [Fact]
    public void Run_etl_defaults_to_VerifyFull_and_refuses_to_start_without_root_certificates()
    {
        var options = RunEtlOptions.FromEnvironment(name => name switch
        {
            EnvironmentVariables.DbSecretId => "test/tls",
            EnvironmentVariables.DbRootCertificatePath => tls.CaCertificate,
            _ => null,
        });
        Assert.Equal(DbSslMode.VerifyFull, options.SslMode);
        var secret = Secret("db.example.internal");
        var builder = new NpgsqlConnectionStringBuilder(DatabaseConnections.ConnectionString(secret, secret.Username, secret.Password, options));
        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal(tls.CaCertificate, builder.RootCertificate);

        var ex = Assert.Throws<ConfigurationException>(() => RunEtlOptions.FromEnvironment(name => name == EnvironmentVariables.DbSecretId ? "test/tls" : null));
        Assert.Contains("VerifyFull needs TXETL_DB_ROOT_CERT", ex.Message);
    }

    [Fact]
    public async Task Cli_database_url_with_verify_full_connects_over_tls_and_refuses_a_wrong_ca_or_host()
    {
        await using (var dataSource = NpgsqlDataSource.Create(DatabaseUrl.ToNpgsqlConnectionString(CliUrl("localhost", tls.CaCertificate))))
        {
            Assert.True(await SessionUsesTlsAsync(dataSource));
        }
        await using (var wrongCa = NpgsqlDataSource.Create(DatabaseUrl.ToNpgsqlConnectionString(CliUrl("localhost", tls.WrongCaCertificate))))
        {
            AssertRefusedByCertificateCheck(await Assert.ThrowsAnyAsync<Exception>(() => SessionUsesTlsAsync(wrongCa)));
        }
        await using (var wrongHost = NpgsqlDataSource.Create(DatabaseUrl.ToNpgsqlConnectionString(CliUrl("127.0.0.1", tls.CaCertificate))))
        {
            AssertRefusedByCertificateCheck(await Assert.ThrowsAnyAsync<Exception>(() => SessionUsesTlsAsync(wrongHost)));
        }
    }

    [Fact]
    public void Cli_database_url_without_sslmode_keeps_libpq_and_npgsql_default_prefer_as_documented()
    {
        // docs/configuration.md says so: the CLI does not upgrade a URL's TLS on its own; remote URLs should say
        // sslmode=verify-full&sslrootcert=... (tested above).
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToNpgsqlConnectionString("postgres://loader@db.example.internal:5432/txetl"));
        Assert.Equal(SslMode.Prefer, builder.SslMode);
    }
}
