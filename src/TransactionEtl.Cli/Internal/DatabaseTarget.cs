using TransactionEtl.Postgres;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// The database a command works on: <c>--database-url</c> (or <c>$TXETL_DATABASE_URL</c>) when given, else
/// database <c>txetl</c> on the local cluster in <c>$TXETL_HOME</c>, created and started on demand.
/// Every command that touches the database goes through <see cref="ConnectAsync"/>, which migrates first.
/// </summary>
internal static class DatabaseTarget
{
    /// <summary>Database created in the local cluster for the project's data.</summary>
    public const string LocalDatabase = "txetl";

    /// <summary>The URL given by option or environment, or null for the local cluster.</summary>
    public static string? ExternalUrl(GlobalSettings settings, CliEnvironment environment) =>
        string.IsNullOrWhiteSpace(settings.DatabaseUrl) ? NullIfEmpty(environment.GetVariable(EnvironmentVariables.DatabaseUrl)) : settings.DatabaseUrl;

    /// <summary>The local cluster of this environment (nothing is created until it is started).</summary>
    public static LocalPostgres Local(CliEnvironment environment)
    {
        var home = NullIfEmpty(environment.GetVariable(EnvironmentVariables.Home)) ?? ".txetl";
        return new LocalPostgres(new LocalPostgresOptions { RootDirectory = Path.GetFullPath(home, environment.CurrentDirectory) });
    }

    /// <summary>Resolves the target, starts the local cluster if it is the target, migrates, and returns an Npgsql connection string.</summary>
    public static async Task<string> ConnectAsync(GlobalSettings settings, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var (connectionString, _) = await ConnectWithoutMigratingAsync(settings, environment, cancellationToken);
        await DatabaseMigrator.MigrateAsync(connectionString, cancellationToken);
        return connectionString;
    }

    /// <summary>Like <see cref="ConnectAsync"/> but leaves migrating to the caller (db migrate reports what it applied).</summary>
    public static async Task<(string ConnectionString, LocalPostgres? Local)> ConnectWithoutMigratingAsync(
        GlobalSettings settings, CliEnvironment environment, CancellationToken cancellationToken)
    {
        if (ExternalUrl(settings, environment) is { } url)
        {
            return (DatabaseUrl.ToNpgsqlConnectionString(url), null);
        }
        var local = Local(environment);
        await local.EnsureStartedAsync(cancellationToken);
        await ClusterDatabases.EnsureAsync(local.GetConnectionString(), LocalDatabase, cancellationToken);
        return (local.GetConnectionString(LocalDatabase), local);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
