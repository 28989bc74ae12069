using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The loader's log lines (event ids 2000-2099; names distinct from the functions' own, e.g. RunEtl's LoadFinished). Arguments are source URIs, file ids, counts and reasons:
/// never a row's content, a connection string or a credential.
/// </summary>
internal static partial class LoaderLog
{
    [LoggerMessage(EventId = EventIds.LoadStarting, EventName = "LoadStarting", Level = LogLevel.Information,
        Message = "Loading {Source} as file {FileId} ({Size} bytes announced)")]
    public static partial void LoadStarting(this ILogger logger, string source, long fileId, long? size);

    [LoggerMessage(EventId = EventIds.LoadPathChosen, EventName = "LoadPathChosen", Level = LogLevel.Information,
        Message = "File {FileId}: {Path} path ({Reason})")]
    public static partial void LoadPathChosen(this ILogger logger, long fileId, string path, string reason);

    [LoggerMessage(EventId = EventIds.FastPathFellBack, EventName = "FastPathFellBack", Level = LogLevel.Information,
        Message = "File {FileId}: direct COPY rolled back to its savepoint ({Reason}); loading through the staging table, reading the source again")]
    public static partial void FastPathFellBack(this ILogger logger, long fileId, string reason);

    [LoggerMessage(EventId = EventIds.FileLoadFinished, EventName = "FileLoadFinished", Level = LogLevel.Information,
        Message = "File {FileId} ({Source}) ended {Status} via the {Path} path: {RowsTotal} rows, {RowsLoaded} loaded, {RowsRejected} rejected, {RowsDuplicate} duplicate-existing, {RowsConflicting} conflicting, {RowsUpdated} updated, {DurationMs} ms")]
    public static partial void LoadFinished(this ILogger logger, long fileId, string source, string status, string path,
        long rowsTotal, long rowsLoaded, long rowsRejected, long rowsDuplicate, long rowsConflicting, long rowsUpdated, long durationMs);

    [LoggerMessage(EventId = EventIds.AlreadyLoaded, EventName = "AlreadyLoaded", Level = LogLevel.Information,
        Message = "{Source} is already loaded as file {OriginalFileId}; nothing changed")]
    public static partial void AlreadyLoaded(this ILogger logger, string source, long originalFileId);

    [LoggerMessage(EventId = EventIds.FileLoadFailed, EventName = "FileLoadFailed", Level = LogLevel.Warning,
        Message = "File {FileId} ({Source}) failed and was rolled back (transient: {Transient}): {Reason}")]
    public static partial void LoadFailed(this ILogger logger, long fileId, string source, bool transient, string reason);

    [LoggerMessage(EventId = EventIds.LoadCancelled, EventName = "LoadCancelled", Level = LogLevel.Warning,
        Message = "File {FileId} ({Source}) was cancelled and rolled back")]
    public static partial void LoadCancelled(this ILogger logger, long fileId, string source);

    [LoggerMessage(EventId = EventIds.MergeDeadlockRetried, EventName = "MergeDeadlockRetried", Level = LogLevel.Warning,
        Message = "File {FileId}: the merge into the target lost a deadlock (" + PostgresErrorCodes.DeadlockDetected + ") with a concurrent load of overlapping ids; undone to its savepoint, run {Attempt} of {Attempts} failed, next run in {PauseMs} ms")]
    public static partial void MergeDeadlockRetried(this ILogger logger, long fileId, int attempt, int attempts, long pauseMs);
}
