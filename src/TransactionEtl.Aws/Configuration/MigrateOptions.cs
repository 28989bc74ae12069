using TransactionEtl.Aws.Configuration.Internal;

namespace TransactionEtl.Aws.Configuration;

/// <summary>
/// Settings of the migrate function, validated once at start. It is the only function given the master
/// secret, so run-etl's role never needs to read it.
/// </summary>
internal sealed class MigrateOptions
{
    private MigrateOptions(string dbSecretId, string migrationDbSecretId, DatabaseTls tls, AwsServiceEndpoints endpoints)
    {
        DbSecretId = dbSecretId;
        MigrationDbSecretId = migrationDbSecretId;
        Tls = tls;
        Endpoints = endpoints;
    }

    /// <summary>The loader's secret (RDS JSON shape): where to connect, and the login role to create with its password.</summary>
    public string DbSecretId { get; }

    /// <summary>The master credentials secret (RDS-managed: only username and password) the migrations run as.</summary>
    public string MigrationDbSecretId { get; }

    /// <summary>TLS mode and root certificates for the database connection.</summary>
    public DatabaseTls Tls { get; }

    /// <summary>The Secrets Manager endpoint and the region (SDK conventions).</summary>
    public AwsServiceEndpoints Endpoints { get; }

    /// <summary>Reads and validates the migrate settings; throws <see cref="ConfigurationException"/> listing every problem.</summary>
    /// <param name="lookup">Environment lookup; defaults to the process environment.</param>
    public static MigrateOptions FromEnvironment(Func<string, string?>? lookup = null)
    {
        var reader = new SettingsReader(lookup ?? Environment.GetEnvironmentVariable);
        var secretId = reader.Required(EnvironmentVariables.DbSecretId, "set it to the ARN of the loader's database secret (host, port, dbname, username, password)");
        var masterId = reader.Required(EnvironmentVariables.MigrationDbSecretId, "set it to the ARN of the RDS-managed master user secret");
        var tls = DatabaseTls.Read(reader);
        var endpoints = AwsServiceEndpoints.Read(reader);
        if (secretId.Length > 0 && string.Equals(secretId, masterId, StringComparison.Ordinal))
        {
            reader.Problem($"{EnvironmentVariables.DbSecretId} and {EnvironmentVariables.MigrationDbSecretId} name the same secret; the loader needs its own login role and secret");
        }
        reader.ThrowIfInvalid("migrate");
        return new MigrateOptions(secretId, masterId, tls, endpoints);
    }
}
