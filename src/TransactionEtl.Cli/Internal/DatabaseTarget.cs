using Npgsql;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Postgres;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// The database a command works on: <c>--database-url</c> (or <c>$TXETL_DATABASE_URL</c>) when given, else
/// database <c>txetl</c> on the local cluster in <c>$TXETL_HOME</c>, started on demand. Only commands that load or
/// migrate create a cluster; read-only ones (<see cref="LocalCluster.MustExist"/>) fail where none is. Starting the
/// server is said once, on stderr. Every command that touches the database goes through <c>ConnectAsync</c>,
/// which migrates first.
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

    /// <summary>Where <see cref="Local"/> looked, for messages: "$TXETL_HOME" or the default.</summary>
    public static string HomeSource(CliEnvironment environment) =>
        NullIfEmpty(environment.GetVariable(EnvironmentVariables.Home)) is null
            ? "the default ./.txetl, as TXETL_HOME is not set"
            : "from TXETL_HOME";

    /// <summary>
    /// <see cref="ConnectAsync(GlobalSettings, CliEnvironment, LocalCluster, CancellationToken)"/> for a read-only command:
    /// the local cluster must exist. The default, so that a command creates a cluster only when it says so.
    /// </summary>
    public static Task<string> ConnectAsync(GlobalSettings settings, CliEnvironment environment, CancellationToken cancellationToken) =>
        ConnectAsync(settings, environment, LocalCluster.MustExist, cancellationToken);

    /// <summary>Resolves the target, starts the local cluster if it is the target, migrates, and returns an Npgsql connection string.</summary>
    public static async Task<string> ConnectAsync(
        GlobalSettings settings, CliEnvironment environment, LocalCluster cluster, CancellationToken cancellationToken)
    {
        var target = await ResolveAsync(settings, environment, cluster, cancellationToken);
        await MigrateCreatingDatabaseAsync(
            target, () => DatabaseMigrator.MigrateAsync(target.ConnectionString, cancellationToken), cancellationToken);
        return target.ConnectionString;
    }

    /// <summary>
    /// Like <c>ConnectAsync</c>, but returns the data source the command works with and migrates through it, so that
    /// Npgsql loads the server's types once per process instead of once for the migration check and once for the work.
    /// </summary>
    public static async Task<NpgsqlDataSource> OpenDataSourceAsync(
        GlobalSettings settings, CliEnvironment environment, LocalCluster cluster, CancellationToken cancellationToken)
    {
        var target = await ResolveAsync(settings, environment, cluster, cancellationToken);
        return await MigrateAsync(target, CreateDataSource(target), null, cancellationToken);
    }

    /// <summary>
    /// Whether the target can be resolved and connected to without a side effect the user would see: a database URL,
    /// or a local cluster that is already running (creating or starting one is said on stderr).
    /// </summary>
    internal static bool ConnectsQuietly(GlobalSettings settings, CliEnvironment environment) =>
        ExternalUrl(settings, environment) is not null || Local(environment).GetStatus().State == LocalPostgresState.Running;

    /// <summary>The data source of a resolved target, with the write buffer the direct COPY path needs.</summary>
    internal static NpgsqlDataSource CreateDataSource(Target target)
    {
        var builder = new NpgsqlConnectionStringBuilder(target.ConnectionString);
        FileLoader.RaiseWriteBufferSize(builder);
        // Npgsql's built-in types only, without its catalog query on a data source's first connection: txetl's tables
        // and statements use built-in types alone, and the query cost each process a round trip and the server 40-50 ms
        // of a new backend's catalog reads before the first row (docs/performance.md, session 14, fixed).
        var sources = new NpgsqlDataSourceBuilder(builder.ConnectionString);
        sources.ConfigureTypeLoading(typeLoading => typeLoading.EnableTypeLoading(false));
        return sources.Build();
    }

    /// <summary>
    /// Migrates through <paramref name="dataSource"/> (on <paramref name="opening"/>, a connection of it already being
    /// opened, when not null) and returns it; disposes it on failure.
    /// </summary>
    internal static async Task<NpgsqlDataSource> MigrateAsync(
        Target target, NpgsqlDataSource dataSource, Task<NpgsqlConnection>? opening, CancellationToken cancellationToken)
    {
        try
        {
            await MigrateCreatingDatabaseAsync(target, () =>
            {
                // The connection begun early serves the first check only; a check after creating the database opens anew.
                var begun = opening;
                opening = null;
                return begun is null
                    ? DatabaseMigrator.MigrateAsync(dataSource, target.ConnectionString, cancellationToken)
                    : DatabaseMigrator.MigrateAsync(begun, target.ConnectionString, cancellationToken);
            }, cancellationToken);
            return dataSource;
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>Like <c>ConnectAsync</c> but leaves migrating to the caller (db migrate reports what it applied).</summary>
    public static async Task<(string ConnectionString, LocalPostgres? Local)> ConnectWithoutMigratingAsync(
        GlobalSettings settings, CliEnvironment environment, LocalCluster cluster, CancellationToken cancellationToken)
    {
        var target = await ResolveAsync(settings, environment, cluster, cancellationToken);
        if (target is { Local: { } local, DatabaseChecked: false })
        {
            await ClusterDatabases.EnsureAsync(local.GetConnectionString(), LocalDatabase, cancellationToken);
        }
        return (target.ConnectionString, target.Local);
    }

    /// <summary>
    /// Runs the migration check; on a local cluster that was already running, whose database was not looked for, it
    /// creates the database and checks again when the server says the database does not exist (SQLSTATE 3D000). The
    /// database exists on every command but the first, so looking for it first would cost every command a
    /// connection to database <c>postgres</c> and a server backend (docs/performance.md, session 12, runtime).
    /// </summary>
    private static async Task MigrateCreatingDatabaseAsync(Target target, Func<Task> migrate, CancellationToken cancellationToken)
    {
        try
        {
            await migrate();
        }
        catch (DatabaseUnavailableException ex) when (
            target is { Local: not null, DatabaseChecked: false }
            && ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName })
        {
            await ClusterDatabases.EnsureAsync(target.Local.GetConnectionString(), LocalDatabase, cancellationToken);
            await migrate();
        }
    }

    /// <summary>
    /// The connection string of the target; for the local cluster, starts it if needed and, when it was not running,
    /// makes sure its database exists (a cluster this command created or started is likely new).
    /// </summary>
    internal static async Task<Target> ResolveAsync(
        GlobalSettings settings, CliEnvironment environment, LocalCluster cluster, CancellationToken cancellationToken)
    {
        if (ExternalUrl(settings, environment) is { } url)
        {
            return new Target(DatabaseUrl.ToNpgsqlConnectionString(url), null, DatabaseChecked: true);
        }
        var local = Local(environment);
        if (cluster == LocalCluster.MustExist && local.GetStatus().State == LocalPostgresState.NotCreated)
        {
            throw new NoLocalDatabaseException(
                $"no local database in {local.RootDirectory} ({HomeSource(environment)}); set TXETL_HOME to the directory " +
                "of your cluster, pass --database-url, or create one with `txetl db migrate` or `txetl run FILE`");
        }
        var found = await local.EnsureStartedAsync(cancellationToken);
        if (found != LocalPostgresState.Running && !environment.Quiet)
        {
            // Once per command: a server left running after the command is something the user should know of.
            environment.Error.WriteLine(Visible.Text(found == LocalPostgresState.NotCreated
                ? $"txetl: created a local PostgreSQL in {local.DataDirectory} and started it on port {local.Port} (`txetl db stop` stops it)"
                : $"txetl: started the local PostgreSQL in {local.DataDirectory} on port {local.Port} (`txetl db stop` stops it)"));
        }
        if (found != LocalPostgresState.Running)
        {
            await ClusterDatabases.EnsureAsync(local.GetConnectionString(), LocalDatabase, cancellationToken);
        }
        return new Target(local.GetConnectionString(LocalDatabase), local, DatabaseChecked: found != LocalPostgresState.Running);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>A resolved target; <c>DatabaseChecked</c> is false for a local cluster found running, whose database was not looked for.</summary>
    internal sealed record Target(string ConnectionString, LocalPostgres? Local, bool DatabaseChecked);
}
