namespace TransactionEtl.Core.Internal;

/// <summary>
/// One chunk through the engine: chunk 0 as the file's start; a later chunk behind the file's prefix, with the
/// prefix's records and counts taken out again, so each chunk's outcome is its own and their sum is the file's.
/// </summary>
internal static class ChunkingRun
{
    public static async Task<ChunkResult> RunAsync(
        ByteRangeReader read, ChunkPlan plan, FileChunk chunk, IRowSink sink, ProcessingOptions options, CancellationToken cancellationToken)
    {
        byte[] prefixBytes = chunk.Index == 0 ? [] : await ReadPrefixAsync(read, plan.PrefixLength, cancellationToken);
        FileResult? prefix = null;
        long prefixLines = 0;
        if (prefixBytes.Length > 0)
        {
            // The prefix alone: what it contributes (blank lines before the header, a first data record, the header's
            // warnings) is counted by chunk 0 and subtracted here.
            var counter = new LineCountingStream(new MemoryStream(prefixBytes, writable: false));
            prefix = await new FileRun(counter, DiscardingSink.Instance, options).RunAsync(cancellationToken);
            prefixLines = counter.LineBreakCount;
        }
        await using var range = await read(chunk.Start, chunk.Length, cancellationToken);
        // Behind the prefix: the BOM, header mapping and line-break style are the file's, and the decoder strips a
        // BOM only where the file has one (a record starting with U+FEFF at a chunk's start stays as it is).
        var counted = new LineCountingStream(range);
        var input = prefixBytes.Length > 0 ? PeekedStream.Prepend(prefixBytes, counted) : (Stream)counted;
        var target = prefixBytes.Length > 0 ? new ChunkingSink(sink, prefixLines) : sink;
        var result = await new FileRun(input, target, options).RunAsync(cancellationToken);
        return new ChunkResult { Chunk = chunk, Result = Without(result, prefix, chunk.Length), LineBreaks = counted.LineBreakCount };
    }

    private static async Task<byte[]> ReadPrefixAsync(ByteRangeReader read, long length, CancellationToken cancellationToken)
    {
        await using var input = await read(0, length, cancellationToken);
        var bytes = new byte[length];
        await input.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    private static FileResult Without(FileResult result, FileResult? prefix, long bytes)
    {
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (code, count) in result.RejectReasons)
        {
            long left = count - (prefix?.RejectReasons.GetValueOrDefault(code) ?? 0);
            if (left > 0)
            {
                reasons[code] = left;
            }
        }
        return new FileResult
        {
            ErrorCode = result.ErrorCode,
            ErrorMessage = result.ErrorMessage,
            RowsTotal = result.RowsTotal - (prefix?.RowsTotal ?? 0),
            RowsValid = result.RowsValid - (prefix?.RowsValid ?? 0),
            RowsRejected = result.RowsRejected - (prefix?.RowsRejected ?? 0),
            BlankLines = result.BlankLines - (prefix?.BlankLines ?? 0),
            RejectReasons = reasons,
            Warnings = prefix is null ? result.Warnings : result.Warnings.Except(prefix.Warnings).ToArray(),
            Header = result.Header,
            Bytes = bytes,
            MaxRejectedRatio = result.MaxRejectedRatio,
            Duration = result.Duration,
        };
    }

    private sealed class DiscardingSink : IRowSink
    {
        public static readonly DiscardingSink Instance = new();

        public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
