using Npgsql;
using TransactionEtl.Aws.Configuration.Internal;
using TransactionEtl.Aws.Secrets;

namespace TransactionEtl.Aws.Configuration;

/// <summary>
/// How run-etl and migrate reach the database: <c>TXETL_DB_SSL_MODE</c> and <c>TXETL_DB_ROOT_CERT</c>, read and
/// checked the same way for both, and the connection string built from a secret with them.
/// </summary>
internal sealed class DatabaseTls
{
    private DatabaseTls(DbSslMode sslMode, string? rootCertificatePath)
    {
        SslMode = sslMode;
        RootCertificatePath = rootCertificatePath;
    }

    /// <summary>TLS mode for the database connection.</summary>
    public DbSslMode SslMode { get; }

    /// <summary>PEM bundle of trusted root certificates, or null to use the system store.</summary>
    public string? RootCertificatePath { get; }

    /// <summary>Reads both variables into <paramref name="reader"/>: VerifyFull needs an existing bundle.</summary>
    internal static DatabaseTls Read(SettingsReader reader)
    {
        var certificate = reader.Optional(EnvironmentVariables.DbRootCertificatePath);
        var sslMode = reader.Enum(EnvironmentVariables.DbSslMode, DbSslMode.VerifyFull);
        if (certificate is not null && !File.Exists(certificate))
        {
            reader.Problem($"{EnvironmentVariables.DbRootCertificatePath}='{certificate}' does not exist; package the RDS CA bundle with the function or unset it");
        }
        if (sslMode == DbSslMode.VerifyFull && certificate is null)
        {
            reader.Problem($"{EnvironmentVariables.DbSslMode}=VerifyFull needs {EnvironmentVariables.DbRootCertificatePath} (the RDS CA bundle, e.g. global-bundle.pem)");
        }
        return new DatabaseTls(sslMode, certificate);
    }

    /// <summary>The connection string for <paramref name="server"/> as <paramref name="username"/>, with this TLS.</summary>
    public string ConnectionString(RdsSecret server, string username, string password, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(server);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = server.Host,
            Port = server.Port,
            Database = server.Database,
            Username = username,
            Password = password,
            ApplicationName = applicationName,
            SslMode = SslMode == DbSslMode.VerifyFull ? Npgsql.SslMode.VerifyFull : Npgsql.SslMode.Disable,
            Timeout = 15,
            // No per-command limit: a large file's INSERT ... SELECT or a migration may run for minutes. The
            // Lambda deadline cancels the work instead, which rolls it back.
            CommandTimeout = 0,
        };
        if (RootCertificatePath is { } certificate)
        {
            builder.RootCertificate = certificate;
        }
        return builder.ConnectionString;
    }
}
