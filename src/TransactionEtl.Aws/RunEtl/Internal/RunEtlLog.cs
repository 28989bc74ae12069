using Microsoft.Extensions.Logging;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>run-etl's log lines (event ids 1400-1499; EventIds has every range).</summary>
internal static partial class RunEtlLog
{
    [LoggerMessage(EventId = EventIds.LoadStarted, EventName = "LoadStarted", Level = LogLevel.Information,
        Message = "Loading {Source} ({Size} bytes announced)")]
    public static partial void LoadStarted(this ILogger logger, string source, long? size);

    [LoggerMessage(EventId = EventIds.LoadFinished, EventName = "LoadFinished", Level = LogLevel.Information,
        Message = "File {Source} ended {Status}: {RowsLoaded} of {RowsTotal} rows loaded, {RowsRejected} rejected, {RowsDuplicate} duplicate, {RowsConflicting} conflicting with stored rows of which {RowsUpdated} updated (file id {FileId}, {DurationMs} ms)")]
    public static partial void LoadFinished(this ILogger logger, string source, string status, long rowsLoaded, long rowsTotal,
        long rowsRejected, long rowsDuplicate, long rowsConflicting, long rowsUpdated, long? fileId, long durationMs);

    [LoggerMessage(EventId = EventIds.LoadFailed, EventName = "LoadFailed", Level = LogLevel.Error,
        Message = "Loading {Source} failed (transient: {Transient}): {Reason}")]
    public static partial void LoadFailed(this ILogger logger, string source, bool transient, string reason);

    [LoggerMessage(EventId = EventIds.LoadStoppedBeforeDeadline, EventName = "LoadStoppedBeforeDeadline", Level = LogLevel.Error,
        Message = "Stopped loading {Source} {MarginMs} ms before the Lambda deadline; rolled back")]
    public static partial void LoadStoppedBeforeDeadline(this ILogger logger, string source, long marginMs);

    [LoggerMessage(EventId = EventIds.ContractRead, EventName = "ContractRead", Level = LogLevel.Information,
        Message = "Read contract {Name} {Version} from {Source} (ETag {ETag}, sha256 {Sha256}); cached for this container")]
    public static partial void ContractRead(this ILogger logger, string name, string version, string source, string eTag, string sha256);

    [LoggerMessage(EventId = EventIds.FileWithoutContract, EventName = "FileWithoutContract", Level = LogLevel.Warning,
        Message = "Rejected {Source}: its key is under no mapped prefix ({Prefixes}), so no contract loads it")]
    public static partial void FileWithoutContract(this ILogger logger, string source, string prefixes);

    [LoggerMessage(EventId = EventIds.BackfillSummaryCounted, EventName = "BackfillSummaryCounted", Level = LogLevel.Information,
        Message = "Counted the Map Run results of {Manifest} ({ResultFiles} result files): {Total} files, {Loaded} loaded, {LoadedWithRejects} loaded with rejects, {AlreadyLoaded} already loaded, {Rejected} rejected, {Failed} failed, {Skipped} skipped folders, {Other} other")]
    public static partial void BackfillSummaryCounted(this ILogger logger, string manifest, int resultFiles, long total, long loaded,
        long loadedWithRejects, long alreadyLoaded, long rejected, long failed, long skipped, long other);
}
