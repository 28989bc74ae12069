using Npgsql;
using TransactionEtl.Postgres.Internal;

namespace TransactionEtl.Postgres;

/// <summary>
/// Creates and drops databases of a cluster: the one place that writes <c>CREATE DATABASE</c>. Database names
/// cannot be bind parameters, so the server quotes them (<c>format('%I')</c> from a bound value).
/// </summary>
public static class ClusterDatabases
{
    /// <summary>Creates database <paramref name="name"/>; fails (SQLSTATE 42P04) when it exists.</summary>
    /// <param name="adminConnectionString">A connection to another database of the cluster (e.g. <c>postgres</c>) as a role allowed to create databases.</param>
    /// <param name="name">The database's name, used exactly as given (case and punctuation kept).</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    public static async Task CreateAsync(string adminConnectionString, string name, CancellationToken cancellationToken = default)
    {
        await using var admin = await OpenAsync(adminConnectionString, cancellationToken);
        var connection = admin.Connection;
        await CreateAsync(connection, name, cancellationToken);
    }

    /// <summary>
    /// Creates database <paramref name="name"/> unless it exists; safe when several processes do it at once.
    /// Returns whether this call created it.
    /// </summary>
    /// <inheritdoc cref="CreateAsync(string, string, CancellationToken)" path="/param"/>
    public static async Task<bool> EnsureAsync(string adminConnectionString, string name, CancellationToken cancellationToken = default)
    {
        await using var admin = await OpenAsync(adminConnectionString, cancellationToken);
        var connection = admin.Connection;
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", name);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return false;
            }
        }
        try
        {
            await CreateAsync(connection, name, cancellationToken);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it between the check and the statement.
            return false;
        }
    }

    /// <summary>Drops database <paramref name="name"/> if it exists, ending the sessions still connected to it.</summary>
    /// <inheritdoc cref="CreateAsync(string, string, CancellationToken)" path="/param"/>
    public static async Task DropAsync(string adminConnectionString, string name, CancellationToken cancellationToken = default)
    {
        await using var admin = await OpenAsync(adminConnectionString, cancellationToken);
        var connection = admin.Connection;
        await QuotedDdl.ExecuteAsync(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", [name], cancellationToken);
    }

    private static Task CreateAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken) =>
        QuotedDdl.ExecuteAsync(connection, "CREATE DATABASE %I", [name], cancellationToken);

    /// <summary>
    /// A connection that does not load the server's type catalog: these statements use only built-in types, and the
    /// catalog load costs 12-15 ms on every CLI command that starts from the local cluster (the database the command
    /// then works in loads its own). Disposing the connection disposes its one-off data source.
    /// </summary>
    private static async Task<AdminConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConfigureTypeLoading(options => options.EnableTypeLoading(false));
        var dataSource = builder.Build();
        try
        {
            return new AdminConnection(dataSource, await dataSource.OpenConnectionAsync(cancellationToken));
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    private sealed class AdminConnection(NpgsqlDataSource dataSource, NpgsqlConnection connection) : IAsyncDisposable
    {
        public NpgsqlConnection Connection => connection;

        public async ValueTask DisposeAsync()
        {
            await connection.DisposeAsync();
            await dataSource.DisposeAsync();
        }
    }
}
