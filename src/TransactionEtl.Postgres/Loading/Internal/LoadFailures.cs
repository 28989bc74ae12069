using System.Globalization;
using System.Net.Sockets;
using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Turns what broke a load into the project's exception hierarchy, marking what a retry may cure, so that
/// Polly and Step Functions <c>Retry</c> match only transient failures.
/// </summary>
internal static class LoadFailures
{
    /// <summary>lock_not_available: raised when <c>lock_timeout</c> expires.</summary>
    private const string LockNotAvailable = "55P03";

    /// <summary>invalid_binary_representation: a target column's type differs from the one its values are sent as.</summary>
    private const string InvalidBinaryRepresentation = "22P03";

    /// <summary>"{source}: {what}: {the cause}", transient or not; a lock wait that ran out names the lock timeout.</summary>
    /// <param name="source">The file, named first in the message.</param>
    /// <param name="what">What failed ("the load failed", "cannot connect to the database").</param>
    /// <param name="exception">The cause.</param>
    /// <param name="lockTimeout">The load's <see cref="LoadRequest.LockTimeout"/>; the default when not given.</param>
    public static TransactionEtlException Wrap(SourceIdentity source, string what, Exception exception, TimeSpan? lockTimeout = null)
    {
        if (exception is TransactionEtlException known)
        {
            return known;
        }

        var detail = exception is PostgresException pg
            ? $"{pg.MessageText} (SQLSTATE {pg.SqlState}{(pg.Hint is null ? "" : "; hint: " + pg.Hint)})" +
              (pg.SqlState == LockNotAvailable
                  ? "; another session held a lock the load needed (e.g. LOCK TABLE on txetl.transactions) for longer than the " +
                    $"loader's lock timeout ({(lockTimeout ?? LoadRequest.DefaultLockTimeout).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; " +
                    "txetl run/watch --lock-timeout, LoadRequest.LockTimeout); find it in pg_locks / pg_stat_activity"
                  : "") +
              // Binary COPY's context names the table, row number and column, and never a value.
              (pg.SqlState == InvalidBinaryRepresentation && pg.Where is not null
                  ? $"; at {pg.Where}: the target column's type must be the contract type's PostgreSQL type (docs/contracts.md)"
                  : "")
            : exception.Message;
        var message = $"{source.Uri}: {what}: {detail}";
        return IsTransient(exception)
            ? new TransientException(message + " Nothing was loaded; retry later.", exception)
            : new TransactionEtlException(message + " Nothing was loaded.", exception);
    }

    /// <summary>
    /// Connection loss (class 08), serialization failure (40001), deadlock (40P01), lock timeout (55P03), too
    /// many connections (53300), admin shutdown (57P01), server starting (57P03), socket and I/O errors, timeouts.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || pg.SqlState is "40001" or "40P01" or LockNotAvailable or "53300" or "57P01" or "57P03";
                case SocketException or TimeoutException or EndOfStreamException:
                    return true;
                case NpgsqlException npgsql when npgsql.InnerException is null && npgsql.IsTransient:
                    return true;
                case IOException when e.InnerException is SocketException or null:
                    return true;
            }
        }

        return false;
    }
}
