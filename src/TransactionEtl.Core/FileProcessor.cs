using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core;

/// <summary>
/// The engine: streams one CSV file through the contract, handing each record to an <see cref="IRowSink"/> as a
/// typed, normalized, taxed <see cref="ValidRow"/> or as a <see cref="RejectedRow"/> with its raw text and every
/// reason. One pass over the bytes; memory does not grow with the file's size or its number of rejects (except the
/// in-memory duplicate check, when asked for).
/// </summary>
public static class FileProcessor
{
    /// <summary>Processes <paramref name="input"/> from its current position to its end.</summary>
    /// <param name="input">The file's bytes; read once, not disposed.</param>
    /// <param name="sink">Receives every record's outcome, in file order.</param>
    /// <param name="options">Contract, limits and switches; validated before reading.</param>
    /// <param name="cancellationToken">Stops the run between records (and inside reads).</param>
    /// <returns>
    /// Counts, reasons, warnings, SHA-256 and byte count. A file-level problem (encoding, header, structure) is
    /// reported in <see cref="FileResult.ErrorCode"/>, not thrown; exceptions are for I/O failures, cancellation and
    /// exceptions thrown by the sink.
    /// </returns>
    public static Task<FileResult> ProcessAsync(Stream input, IRowSink sink, ProcessingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new FileRun(input, sink, options).RunAsync(cancellationToken);
    }

    /// <summary>
    /// Processes one chunk of a <see cref="ChunkPlan"/>: the same engine over the chunk's bytes, read behind the
    /// file's prefix so that a chunk after the first uses the file's header mapping. Records reach the sink with the
    /// chunk's own line numbers; add the <see cref="ChunkResult.LineBreaks"/> of the earlier chunks to get the file's.
    /// In-file duplicate and unique checks see one chunk only: across chunks they belong to the step that commits them.
    /// </summary>
    /// <param name="read">Opens a byte range of the file the plan was made for.</param>
    /// <param name="plan">The plan.</param>
    /// <param name="chunk">One of the plan's chunks.</param>
    /// <param name="sink">Receives the chunk's records, in file order.</param>
    /// <param name="options">The options the plan was made with.</param>
    /// <param name="cancellationToken">Stops the run between records (and inside reads).</param>
    public static Task<ChunkResult> ProcessChunkAsync(ByteRangeReader read, ChunkPlan plan, FileChunk chunk, IRowSink sink, ProcessingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return ChunkingRun.RunAsync(read, plan, chunk, sink, options, cancellationToken);
    }
}
