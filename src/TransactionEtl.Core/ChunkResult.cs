namespace TransactionEtl.Core;

/// <summary>
/// What <see cref="FileProcessor.ProcessChunkAsync"/> saw in one chunk. Line numbers handed to the sink are the
/// chunk's own (its first line is 1; chunk 0's are the file's); a commit step adds the <see cref="LineBreaks"/> of
/// every earlier chunk to make them the file's.
/// </summary>
public sealed class ChunkResult
{
    /// <summary>The chunk.</summary>
    public required FileChunk Chunk { get; init; }

    /// <summary>
    /// Counts, reasons and the file-level error of this chunk alone (the prefix's records are not counted again).
    /// <see cref="FileResult.Bytes"/> is the chunk's length; <see cref="FileResult.Sha256"/> is empty (the file's
    /// hash is not a function of the chunks' hashes); warnings and error messages use the chunk's own lines.
    /// </summary>
    public required FileResult Result { get; init; }

    /// <summary>Line breaks in the chunk's bytes (LF, CRLF and a lone CR each once, as lines are numbered).</summary>
    public long LineBreaks { get; init; }
}
