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
              (pg.SqlState == PostgresErrorCodes.LockNotAvailable
                  ? "; another session held a lock the load needed (e.g. LOCK TABLE on txetl.transactions) for longer than the " +
                    $"loader's lock timeout ({(lockTimeout ?? LoadRequest.DefaultLockTimeout).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; " +
                    "txetl run/watch --lock-timeout, LoadRequest.LockTimeout); find it in pg_locks / pg_stat_activity"
                  : "") +
              // Binary COPY's context names the table, row number and column, and never a value.
              (pg.SqlState == PostgresErrorCodes.InvalidBinaryRepresentation && pg.Where is not null
                  ? $"; at {pg.Where}: the target column's type must be the contract type's PostgreSQL type (docs/contracts.md)"
                  : "")
            : exception.Message;
        var message = $"{source.Uri}: {what}: {detail}";
        return IsTransient(exception)
            ? new TransientException(message + " Nothing was loaded; retry later.", exception)
            : new TransactionEtlException(message + " Nothing was loaded.", exception);
    }

    /// <summary>
    /// "{source}: file changed while loading ({what changed}) ...": the one message for a source written to between the start of
    /// its read and the commit, whichever check saw it. Not transient: no retry policy knows when the writer is done; watch tries the file again on a later look.
    /// </summary>
    public static TransactionEtlException FileChanged(SourceIdentity source, string change) => new(
        $"{source.Uri}: file changed while loading ({change}); nothing was committed. " +
        "Load it again once it is no longer being written (README.md, Files still being written).");

    /// <summary>
    /// The failures a load turns into "the load failed ... Nothing was loaded.": the database's (Npgsql), the stream's
    /// (I/O, sockets, timeouts) and the project's own (<see cref="TransactionEtlException"/>, transient or not, e.g. an
    /// S3 read). Anything else is a bug and surfaces as itself.
    /// </summary>
    public static bool IsLoadFailure(Exception exception) =>
        exception is NpgsqlException or IOException or SocketException or TimeoutException or TransactionEtlException;

    /// <summary>
    /// Npgsql's rule, taken whole (<see cref="NpgsqlException.IsTransient"/>: connection loss, lack of resources,
    /// serialization failure, deadlock, lock timeout, server starting or shut down, system and I/O errors, I/O and
    /// socket causes); a server error decides alone. The loader adds no SQLSTATE of its own: the ones it used to list
    /// are all in Npgsql's rule, except protocol_violation (08P01), which a retry does not cure. Down the rest of the
    /// chain: socket and I/O errors and timeouts, as from a broken stream of the file's bytes.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.IsTransient;
                case NpgsqlException { IsTransient: true }:
                    return true;
                case SocketException or TimeoutException or EndOfStreamException:
                    return true;
                case IOException when e.InnerException is SocketException or null:
                    return true;
            }
        }

        return false;
    }
}
