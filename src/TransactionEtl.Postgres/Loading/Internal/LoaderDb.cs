using Npgsql;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>Runs the loader's statements: fixed SQL from <see cref="LoaderSql"/>, every value a parameter.</summary>
internal static class LoaderDb
{
    /// <summary>A connection for one load's work; failing to get one is a load failure naming the file.</summary>
    public static async Task<NpgsqlConnection> ConnectAsync(NpgsqlDataSource dataSource, SourceIdentity source, CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            throw LoadFailures.Wrap(source, "cannot connect to the database", ex);
        }
    }

    /// <summary>
    /// Takes the source's session lock (<see cref="LoaderSql.LockSource"/>), waiting while a live session holds it (a
    /// dead session's lock is already gone), with
    /// the session's client check (<see cref="LoaderSql.CheckClientConnection"/>) set first where the server takes it.
    /// </summary>
    public static async Task LockSourceAsync(NpgsqlConnection connection, SourceIdentity source, CancellationToken cancellationToken)
    {
        // A plain SET, not a DO block that catches the error: a DO block loads and runs PL/pgSQL in each new session,
        // ~7 ms of the server's time before every load's first row (docs/performance.md, session 14, fixed). The
        // setting exists from PostgreSQL 14 on; servers on platforms without the socket check (macOS was the case
        // seen) refuse any value but 0: there the setting is skipped, not the load. One round trip more than the DO
        // block, which went with the lock.
        if (connection.PostgreSqlVersion.Major >= 14)
        {
            try
            {
                await ExecuteAsync(connection, LoaderSql.CheckClientConnection, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidParameterValue or PostgresErrorCodes.UndefinedObject)
            {
                // Refused by this server: the lock below works without it, as on PostgreSQL 13.
            }
        }

        await ExecuteAsync(connection, LoaderSql.LockSource, cancellationToken, ("key", source.Key));
    }

    public static async Task<long> ExecuteAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = CreateCommand(connection, sql, parameters);
        await using (command)
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task<T?> ScalarAsync<T>(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = CreateCommand(connection, sql, parameters);
        await using (command)
        {
            var value = await command.ExecuteScalarAsync(cancellationToken);
            return value is null or DBNull ? default : (T)value;
        }
    }

    private static NpgsqlCommand CreateCommand(NpgsqlConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
#pragma warning disable CA2100 // The SQL is fixed text plus quoted identifiers; every value is a parameter.
        var command = new NpgsqlCommand(sql, connection)
        {
            // Whatever the caller's connection string says (Npgsql's default is 30 s): waiting for another
            // loader of the same source and a large file's merge may rightly take minutes. Lock waits inside the
            // load are bounded by LockTimeout; cancellation goes through the CancellationToken.
            CommandTimeout = 0,
        };
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value switch
            {
                // Untyped null: the server infers the type from where the parameter is used.
                null => new NpgsqlParameter(name, DBNull.Value),
                _ => new NpgsqlParameter(name, value),
            });
        }

        return command;
    }
}
