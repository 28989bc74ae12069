using System.Diagnostics;
using Npgsql;

namespace TransactionEtl.Testing.Faults;

/// <summary>
/// Watches one database's sessions from the server side (<c>pg_stat_activity</c>, <c>pg_locks</c>), so that a
/// fault test finds the stage a loader is in without knowing the loader's internals: "a COPY is running",
/// "a session waits on a lock this session holds", "a session has written to txetl.transactions".
/// </summary>
public sealed class ServerActivity(string connectionString)
{
    /// <summary>Predicate over <c>pg_stat_activity a</c>: the session runs a COPY (into staging or the target).</summary>
    public const string Copying = "a.state = 'active' AND a.query ILIKE 'COPY %'";

    /// <summary>Predicate: the session waits for an advisory lock.</summary>
    public const string WaitingForAdvisoryLock = "a.wait_event_type = 'Lock' AND a.wait_event = 'advisory'";

    /// <summary>Predicate: the session's open transaction has written to <c>txetl.transactions</c> (holds RowExclusiveLock).</summary>
    public const string HasWrittenTransactions =
        "EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted AND l.mode = 'RowExclusiveLock' " +
        "AND l.relation = 'txetl.transactions'::regclass)";

    /// <summary>Predicate: the session waits for a lock held by backend <paramref name="pid"/>.</summary>
    public static string BlockedBy(int pid) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{pid} = ANY (pg_blocking_pids(a.pid))");

    /// <summary>
    /// Polls until a session of this database other than the watcher's own matches <paramref name="condition"/>
    /// and returns its backend pid. <paramref name="gone"/> returns a reason when the watched load can no longer
    /// get there (it finished, its process exited): the test fails with it instead of waiting out the limit.
    /// </summary>
    public async Task<int> WaitForSessionAsync(string condition, string stage, Func<string?>? gone = null, TimeSpan? limit = null)
    {
        var max = limit ?? TimeSpan.FromMinutes(2);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var pid = await ScalarAsync<int?>(
                "SELECT a.pid FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() " +
                $"AND ({condition}) ORDER BY a.backend_start LIMIT 1");
            if (pid is { } found)
            {
                return found;
            }
            if (gone?.Invoke() is { } reason)
            {
                throw new InvalidOperationException($"the load cannot reach the stage '{stage}' any more: {reason}");
            }
            if (watch.Elapsed > max)
            {
                throw new TimeoutException($"no session reached the stage '{stage}' within {max.TotalSeconds:0} s");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until backend <paramref name="pid"/> has ended (the server noticed a killed client).</summary>
    public async Task WaitUntilEndedAsync(int pid)
    {
        var watch = Stopwatch.StartNew();
        while (await ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE pid = @pid", ("pid", pid)) > 0)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"backend {pid} of a killed client was still there after 60 s");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Runs one query on a fresh connection and returns its first value (default for NULL).</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // test SQL: fixed text and predicates from this class; values are parameters
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }
}
