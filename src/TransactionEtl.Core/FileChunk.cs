namespace TransactionEtl.Core;

/// <summary>One byte range of a <see cref="ChunkPlan"/>: it starts at a record boundary and ends at the next chunk's start (or the file's end).</summary>
/// <param name="Index">0 for the chunk holding the file's start (and its header), then in file order.</param>
/// <param name="Start">The first byte, from the file's start.</param>
/// <param name="Length">The chunk's size in bytes.</param>
public sealed record FileChunk(int Index, long Start, long Length);
