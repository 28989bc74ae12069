namespace TransactionEtl.Core;

/// <summary>
/// The byte ranges a file is processed in, each starting at a record boundary, and what finding them cost. Plain data
/// (no behaviour) so that it can travel between a planning step and the chunk workers.
/// </summary>
public sealed class ChunkPlan
{
    /// <summary>The file's size in bytes.</summary>
    public long Length { get; init; }

    /// <summary>The chunk size asked for; chunks are this long plus the distance to the next record boundary.</summary>
    public long TargetChunkBytes { get; init; }

    /// <summary>
    /// The bytes <c>[0, PrefixLength)</c>: the file's start up to and including its first non-blank record (the
    /// header, or with a headerless dialect the first data record). Chunks after the first are read behind these
    /// bytes, so they see the same BOM, header mapping and line-break style as the file; 0 when there is one chunk.
    /// </summary>
    public long PrefixLength { get; init; }

    /// <summary>The ranges, in file order; together they cover the file exactly once.</summary>
    public IReadOnlyList<FileChunk> Chunks { get; init; } = [];

    /// <summary>Bytes the planner read to find the prefix and the boundaries (a byte read twice counts twice).</summary>
    public long BytesScanned { get; init; }

    /// <summary>Boundaries found by the speculative scan from the target offset.</summary>
    public int SpeculativeBoundaries { get; init; }

    /// <summary>Boundaries that needed the sequential scan from the previous boundary (the speculative scan was ambiguous).</summary>
    public int SequentialBoundaries { get; init; }

    /// <summary>Why the file is one chunk although it is longer than the target (encoding, line breaks, no record end); null otherwise.</summary>
    public string? SingleChunkReason { get; init; }
}
