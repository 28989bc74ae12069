using DbUp;
using DbUp.Engine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres;

/// <summary>
/// Applies the versioned SQL scripts embedded from <c>Migrations/NNNN_name.sql</c> with DbUp, journaled in
/// <c>txetl.schemaversions</c>. Called by the CLI before any command that touches the database, by the test
/// fixtures, and by the Lambda's migrate mode.
/// </summary>
/// <remarks>
/// Concurrent starters (two CLI processes, several Lambda instances) serialize on a session-level
/// PostgreSQL advisory lock held on a dedicated connection for the whole run: the second starter waits,
/// then finds every script journaled and applies nothing. Each script runs in its own transaction. A database
/// already up to date is recognised before the lock, from the journal alone (one round trip instead of four).
/// Scripts are embedded resources (no file system, no reflection over types), which keeps this usable from
/// the Native AOT Lambda.
/// </remarks>
public static class DatabaseMigrator
{
    /// <summary>The schema holding every table of the project, and the migration journal.</summary>
    public const string Schema = "txetl";

    /// <summary>The journal table inside <see cref="Schema"/>.</summary>
    public const string JournalTable = "schemaversions";

    /// <summary>Key of the advisory lock serializing migrations (ASCII "txetl" + 1); fixed so every version agrees.</summary>
    public const long AdvisoryLockKey = 0x7478_6574_6C00_0001;

    private const string ResourcePrefix = "TransactionEtl.Postgres.Migrations.";

    /// <summary>The names of the embedded scripts, in the order they apply (e.g. <c>0001_create_schema.sql</c>).</summary>
    public static IReadOnlyList<string> ScriptNames { get; } =
        typeof(DatabaseMigrator).Assembly.GetManifestResourceNames()
            .Where(IsMigration)
            .Select(name => name[ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <inheritdoc cref="MigrateAsync(string, ILogger?, CancellationToken)"/>
    public static Task<MigrationResult> MigrateAsync(string connectionString, CancellationToken cancellationToken = default) =>
        MigrateAsync(connectionString, null, cancellationToken);

    /// <summary>Brings the database's schema up to date; a no-op when it already is.</summary>
    /// <param name="connectionString">Npgsql connection string of the target database.</param>
    /// <param name="logger">Receives DbUp's progress messages; none when null.</param>
    /// <param name="cancellationToken">Stops waiting for the lock; a script already running completes or rolls back.</param>
    /// <exception cref="TransactionEtlException">A script failed (its transaction was rolled back), or the database could not be reached.</exception>
    public static async Task<MigrationResult> MigrateAsync(
        string connectionString, ILogger? logger, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        await using var lockConnection = new NpgsqlConnection(connectionString);
        return await MigrateAsync(lockConnection, connectionString, logger, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="MigrateAsync(string, ILogger?, CancellationToken)"/>, but checks and locks on a connection of
    /// <paramref name="dataSource"/>, the one the caller goes on to use: Npgsql loads the server's types once per data
    /// source (12-15 ms), and a bare connection string uses a data source of its own (docs/performance.md).
    /// </summary>
    /// <param name="dataSource">The caller's data source of the target database.</param>
    /// <param name="connectionString">The same database's connection string with its password, for DbUp when a script is pending.</param>
    /// <param name="cancellationToken">As in the other overload.</param>
    public static async Task<MigrationResult> MigrateAsync(
        NpgsqlDataSource dataSource, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        await using var lockConnection = dataSource.CreateConnection();
        return await MigrateAsync(lockConnection, connectionString, null, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="MigrateAsync(NpgsqlDataSource, string, CancellationToken)"/>, on a connection of the data source
    /// that the caller began to open earlier (while it did other start-up work); a failure to open is reported as the
    /// other overloads report it. The connection goes back to the data source's pool afterwards.
    /// </summary>
    /// <param name="opening">The opening of a connection of the target database's data source, which this call owns.</param>
    /// <param name="connectionString">As in the other overloads.</param>
    /// <param name="cancellationToken">As in the other overloads.</param>
    public static async Task<MigrationResult> MigrateAsync(
        Task<NpgsqlConnection> opening, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(opening);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var lockConnection = await OpenAsync(opening);
        await using (lockConnection)
        {
            return await MigrateOpenAsync(lockConnection, connectionString, null, cancellationToken);
        }
    }

    private static async Task<MigrationResult> MigrateAsync(
        NpgsqlConnection lockConnection, string connectionString, ILogger? logger, CancellationToken cancellationToken)
    {
        await OpenAsync(OpenConnectionAsync(lockConnection, cancellationToken));
        return await MigrateOpenAsync(lockConnection, connectionString, logger, cancellationToken);
    }

    private static async Task<NpgsqlConnection> OpenConnectionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<NpgsqlConnection> OpenAsync(Task<NpgsqlConnection> opening)
    {
        try
        {
            return await opening;
        }
        catch (NpgsqlException ex)
        {
            throw new DatabaseUnavailableException($"cannot connect to the database to migrate it: {ex.Message}", ex);
        }
    }

    private static async Task<MigrationResult> MigrateOpenAsync(
        NpgsqlConnection lockConnection, string connectionString, ILogger? logger, CancellationToken cancellationToken)
    {
        // The common case, every command of the CLI: nothing to apply. Answered from the journal on this connection
        // in one round trip, without the lock: each script commits with its journal row, so a journal that lists every
        // script is final; the lock is taken only when something may be left to apply (docs/performance.md, session 13).
        if (await IsJournaledAsync(lockConnection, cancellationToken))
        {
            return new MigrationResult([], ScriptNames);
        }

        await ExecuteAsync(lockConnection, "SELECT pg_advisory_lock(@key)", cancellationToken);
        try
        {
            // Checked again under the lock: another starter may have applied the scripts while this one waited.
            if (await IsUpToDateAsync(lockConnection, cancellationToken))
            {
                return new MigrationResult([], ScriptNames);
            }

            // DbUp's journal table lives in the schema, so the schema must exist before DbUp looks for it.
            await ExecuteAsync(lockConnection, $"CREATE SCHEMA IF NOT EXISTS \"{Schema}\"", cancellationToken);

            return await UpgradeAsync(connectionString, logger, cancellationToken);
        }
        finally
        {
            // Closing the connection would release the lock as well; unlocking says so explicitly and
            // frees it at once when the connection goes back to a pool.
            if (lockConnection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(lockConnection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None);
            }
        }
    }

    /// <summary>Whether the journal lists every embedded script, which is exactly when DbUp would apply none.</summary>
    internal static async Task<bool> IsUpToDateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass(@journal) IS NOT NULL", connection))
        {
            exists.Parameters.AddWithValue("journal", $"\"{Schema}\".\"{JournalTable}\"");
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return false;
            }
        }

        return await CountJournaledAsync(connection, cancellationToken) == ScriptNames.Count;
    }

    /// <summary>
    /// <see cref="IsUpToDateAsync"/> in one statement: the journal is read without looking for it first, and a
    /// journal (or schema) that does not exist means that something is left to apply.
    /// </summary>
    internal static async Task<bool> IsJournaledAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await CountJournaledAsync(connection, cancellationToken) == ScriptNames.Count;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            // A database never migrated: the locked path creates the schema and applies every script.
            return false;
        }
    }

    private static async Task<long> CountJournaledAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // The names as one text parameter, split by the server (chr(31), the unit separator, is in no resource name):
        // a string[] parameter would make Npgsql build its array type mappings, ~7.7 M instructions per process that no
        // other statement of a load needs (callgrind, docs/performance.md, session 14, fixed).
        await using var journaled = new NpgsqlCommand(
            $"SELECT count(DISTINCT scriptname) FROM \"{Schema}\".\"{JournalTable}\" " +
            "WHERE scriptname = ANY(string_to_array(@names, chr(31)))", connection);
        journaled.Parameters.AddWithValue("names", string.Join('\u001f', ScriptNames.Select(name => ResourcePrefix + name)));
        return (long)(await journaled.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Runs DbUp over the scripts the journal does not list; the caller holds the advisory lock.</summary>
    private static async Task<MigrationResult> UpgradeAsync(string connectionString, ILogger? logger, CancellationToken cancellationToken)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString, Schema)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, IsMigration)
            .JournalToPostgresqlTable(Schema, JournalTable)
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .LogTo(logger ?? NullLogger.Instance)
            .Build();

        // DbUp is synchronous; keep it off the caller's thread.
        var result = await Task.Run(upgrader.PerformUpgrade, cancellationToken);
        if (!result.Successful)
        {
            var script = result.ErrorScript?.Name is { } name && name.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                ? name[ResourcePrefix.Length..]
                : result.ErrorScript?.Name ?? "(before any script)";
            throw new TransactionEtlException(
                $"migration {script} failed and was rolled back: {result.Error?.Message}", result.Error);
        }
        return new MigrationResult(
            result.Scripts.Select(s => s.Name[ResourcePrefix.Length..]).ToArray(),
            ScriptNames);
    }

    private static bool IsMigration(string resourceName) =>
        resourceName.StartsWith(ResourcePrefix, StringComparison.Ordinal)
        && resourceName.EndsWith(".sql", StringComparison.Ordinal);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (sql.Contains("@key", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("key", AdvisoryLockKey);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
