using System.Globalization;
using Npgsql;
using TransactionEtl.Postgres;
using Xunit;

namespace TransactionEtl.Testing;

/// <summary>
/// xunit class fixture: a PostgreSQL cluster of its own with <c>ssl = on</c>, serving a certificate for the host name
/// <c>localhost</c> only (no IP address in its subjectAltName) signed by a CA generated here with the openssl CLI,
/// plus a second, unrelated CA. Stopped and deleted on dispose; if the test process is killed, the next
/// <see cref="TestCluster"/> removes it (same directory prefix).
/// </summary>
public sealed class TlsCluster : IAsyncLifetime
{
    private LocalPostgres? _postgres;

    /// <summary>Everything of this fixture: certificates in <c>tls/</c>, the cluster in <c>pgdata/</c>.</summary>
    public string RootDirectory { get; } = Path.Combine(
        Path.GetTempPath(),
        "txetl-test-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-tls" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>PEM of the CA that signed the server certificate.</summary>
    public string CaCertificate => Path.Combine(RootDirectory, "tls", "ca.crt");

    /// <summary>PEM of a CA that has nothing to do with the server.</summary>
    public string WrongCaCertificate => Path.Combine(RootDirectory, "tls", "wrong-ca.crt");

    /// <summary>The server's certificate (subjectAltName DNS:localhost).</summary>
    public string ServerCertificate => Path.Combine(RootDirectory, "tls", "server.crt");

    /// <summary>The server's private key (0600, owned by the OS user running PostgreSQL).</summary>
    public string ServerKey => Path.Combine(RootDirectory, "tls", "server.key");

    /// <summary>The running cluster.</summary>
    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("The fixture has not been initialized.");

    /// <summary>The TCP port the server listens on (127.0.0.1 only).</summary>
    public int Port => Postgres.Port ?? throw new InvalidOperationException("The cluster is not running.");

    /// <summary>The generated superuser password (TCP uses scram-sha-256).</summary>
    public string Password => new NpgsqlConnectionStringBuilder(DatabaseUrl.ToNpgsqlConnectionString(Postgres.GetTcpUrl())).Password!;

    public async Task InitializeAsync()
    {
        var tls = Path.Combine(RootDirectory, "tls");
        Directory.CreateDirectory(tls);
        await CreateCertificatesAsync(tls);
        var runAs = Environment.IsPrivilegedProcess ? "postgres" : null;
        if (runAs is not null)
        {
            // The server reads them as that user, and refuses a key another user could read.
            await OsCommand.RunAsync("chown", "-R", runAs + ":", tls);
        }
        await OsCommand.RunAsync("chmod", "600", ServerKey);
        _postgres = new LocalPostgres(new LocalPostgresOptions
        {
            RootDirectory = RootDirectory,
            Fsync = false,
            ServerSettings = new Dictionary<string, string>
            {
                ["ssl"] = "on",
                ["ssl_cert_file"] = ServerCertificate,
                ["ssl_key_file"] = ServerKey,
                ["ssl_min_protocol_version"] = "TLSv1.2",
            },
        });
        await _postgres.EnsureStartedAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_postgres is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await _postgres.StopAsync();
            }
        }
        finally
        {
            if (Directory.Exists(RootDirectory))
            {
                Directory.Delete(RootDirectory, recursive: true);
            }
        }
    }

    private static async Task CreateCertificatesAsync(string tls)
    {
        string P(string name) => Path.Combine(tls, name);
        // P-256 keys: quick to generate, accepted by PostgreSQL and .NET alike. Valid for two days.
        string[] ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        foreach (var (name, subject) in new[] { ("ca", "/CN=txetl test CA"), ("wrong-ca", "/CN=txetl unrelated CA") })
        {
            await OsCommand.RunAsync("openssl", [
                "req", "-x509", .. ecKey, "-keyout", P(name + ".key"), "-out", P(name + ".crt"), "-days", "2", "-subj", subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
        }
        await OsCommand.RunAsync("openssl", ["req", "-new", .. ecKey, "-keyout", P("server.key"), "-out", P("server.csr"), "-subj", "/CN=localhost"]);
        await File.WriteAllTextAsync(P("server.ext"),
            "subjectAltName = DNS:localhost\nextendedKeyUsage = serverAuth\nkeyUsage = critical,digitalSignature,keyEncipherment\nbasicConstraints = CA:FALSE\n");
        await OsCommand.RunAsync("openssl", [
            "x509", "-req", "-in", P("server.csr"), "-CA", P("ca.crt"), "-CAkey", P("ca.key"), "-CAcreateserial",
            "-out", P("server.crt"), "-days", "2", "-extfile", P("server.ext")]);
    }
}
