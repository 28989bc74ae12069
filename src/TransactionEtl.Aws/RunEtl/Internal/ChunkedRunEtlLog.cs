using Microsoft.Extensions.Logging;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>Log lines of run-etl's chunked modes (event ids 1420-1429; EventIds has every range).</summary>
internal static partial class ChunkedRunEtlLog
{
    [LoggerMessage(EventId = EventIds.ChunksPlanned, EventName = "ChunksPlanned", Level = LogLevel.Information,
        Message = "Planned {Source} ({Size} bytes) as {Chunks} chunks of about {TargetChunkBytes} bytes, {BytesScanned} bytes scanned (file id {FileId}, attempt {Attempt})")]
    public static partial void ChunksPlanned(this ILogger logger, string source, long size, int chunks, long targetChunkBytes, long bytesScanned, long fileId, int attempt);

    [LoggerMessage(EventId = EventIds.LoadsSingleStream, EventName = "LoadsSingleStream", Level = LogLevel.Information,
        Message = "{Source} ({Size} bytes) loads single-stream: {Reason}")]
    public static partial void LoadsSingleStream(this ILogger logger, string source, long size, string reason);

    [LoggerMessage(EventId = EventIds.ChunkLoaded, EventName = "ChunkLoaded", Level = LogLevel.Information,
        Message = "Loaded chunk {ChunkIndex} of {Chunks} of {Source} into staging: {RowsTotal} rows, {RowsRejected} rejected (file id {FileId})")]
    public static partial void ChunkLoaded(this ILogger logger, string source, int chunkIndex, int chunks, long rowsTotal, long rowsRejected, long fileId);
}
