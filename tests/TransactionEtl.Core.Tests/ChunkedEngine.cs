namespace TransactionEtl.Core.Tests;

/// <summary>
/// Plans a file in chunks, processes every chunk, and joins the outcomes as a commit step would: lines offset by the
/// earlier chunks' line breaks, counts and reasons summed, the first chunk's error in file order.
/// </summary>
internal static class ChunkedEngine
{
    public static ByteRangeReader Reader(byte[] bytes) => (offset, length, _) =>
        Task.FromResult<Stream>(new MemoryStream(bytes, (int)offset, (int)Math.Min(length, bytes.Length - offset), writable: false));

    public static ProcessingOptions Options(Contract? contract = null, int maxRecordChars = ProcessingOptions.DefaultMaxRecordChars) => new()
    {
        Contract = contract ?? Contract.Default,
        // Across chunks the in-file duplicate check is the commit step's; per chunk it would miss straddling pairs.
        DetectDuplicatesInMemory = false,
        MaxRecordChars = maxRecordChars,
    };

    public static async Task<(ChunkPlan Plan, FileResult Result, CollectingSink Sink)> RunAsync(byte[] bytes, long chunkBytes, ProcessingOptions options)
    {
        var read = Reader(bytes);
        var plan = await ChunkPlanner.PlanAsync(bytes.Length, read, options, chunkBytes, CancellationToken.None);
        var joined = new CollectingSink();
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long lineOffset = 0, total = 0, valid = 0, rejected = 0, blank = 0;
        string? error = null;
        foreach (var chunk in plan.Chunks)
        {
            var sink = new CollectingSink();
            var outcome = await FileProcessor.ProcessChunkAsync(read, plan, chunk, sink, options, CancellationToken.None);
            var r = outcome.Result;
            Assert.Equal(chunk.Length, r.Bytes);
            joined.Valid.AddRange(sink.Valid.Select(v => v with { Line = v.Line + lineOffset }));
            joined.Rejected.AddRange(sink.Rejected.Select(v => v with { Line = v.Line + lineOffset }));
            lineOffset += outcome.LineBreaks;
            total += r.RowsTotal;
            valid += r.RowsValid;
            rejected += r.RowsRejected;
            blank += r.BlankLines;
            error ??= r.ErrorCode;
            foreach (var (code, count) in r.RejectReasons)
            {
                reasons[code] = reasons.GetValueOrDefault(code) + count;
            }
        }
        var result = new FileResult { ErrorCode = error, RowsTotal = total, RowsValid = valid, RowsRejected = rejected, BlankLines = blank, RejectReasons = reasons };
        return (plan, result, joined);
    }

    /// <summary>True when the chunked outcome is the single-stream one; otherwise says the first difference.</summary>
    public static string? Difference(FileResult single, CollectingSink singleSink, FileResult chunked, CollectingSink chunkedSink)
    {
        if (single.ErrorCode != chunked.ErrorCode)
        {
            return $"error {single.ErrorCode} vs {chunked.ErrorCode}";
        }
        if (single.ErrorCode is not null)
        {
            return null; // the file is rejected either way; rows after the error are not compared
        }
        if ((single.RowsTotal, single.RowsValid, single.RowsRejected, single.BlankLines) != (chunked.RowsTotal, chunked.RowsValid, chunked.RowsRejected, chunked.BlankLines))
        {
            return $"counts {(single.RowsTotal, single.RowsValid, single.RowsRejected, single.BlankLines)} vs {(chunked.RowsTotal, chunked.RowsValid, chunked.RowsRejected, chunked.BlankLines)}";
        }
        if (!single.RejectReasons.OrderBy(r => r.Key).SequenceEqual(chunked.RejectReasons.OrderBy(r => r.Key)))
        {
            return "reject reasons differ";
        }
        var a = singleSink.Valid.Select(v => $"{v.Line}|{v.Raw}|{v.Key}|{string.Join('\u001f', v.Values)}").ToList();
        var b = chunkedSink.Valid.Select(v => $"{v.Line}|{v.Raw}|{v.Key}|{string.Join('\u001f', v.Values)}").ToList();
        if (!a.SequenceEqual(b))
        {
            return $"valid rows differ: [{string.Join(" / ", a)}] vs [{string.Join(" / ", b)}]";
        }
        var c = singleSink.Rejected.Select(Text).ToList();
        var d = chunkedSink.Rejected.Select(Text).ToList();
        return c.SequenceEqual(d) ? null : $"rejects differ: [{string.Join(" / ", c)}] vs [{string.Join(" / ", d)}]";
    }

    private static string Text(RejectedRow r) =>
        $"{r.Line}|{r.RawRecord}|{string.Join(";", r.Errors.Select(e => $"{e.Code}:{e.Column}:{e.Message}"))}";
}
