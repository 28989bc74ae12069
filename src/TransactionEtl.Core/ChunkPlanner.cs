using System.Text;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core;

/// <summary>
/// Splits a file into byte ranges that each start at a record boundary, never inside a quoted field, reading only
/// the file's first record and a window around each target offset (docs/architecture.md, "Chunk planning").
/// </summary>
public static class ChunkPlanner
{
    /// <summary>
    /// How far the speculative scan from a target offset goes, in record limits, before the planner falls back to
    /// reading sequentially from the previous boundary. Past one record limit (times the bytes per character) every
    /// path that passed no record end is dropped, so quote-free text decides there; quoted text usually decides at
    /// the first record with a quoted field.
    /// </summary>
    private const int SpeculativeWindowRecords = 2;

    /// <summary>The bytes of a file's start that <see cref="WhyNotSplittable"/> needs.</summary>
    public const int SignatureBytes = 16;

    /// <summary>
    /// Why a file whose first bytes are <paramref name="prefix"/> (at least <see cref="SignatureBytes"/> of them, or the
    /// whole file) cannot be split into byte ranges at all (compressed, an archive, a workbook or Parquet), or null.
    /// </summary>
    public static string? WhyNotSplittable(ReadOnlySpan<byte> prefix) => FileDiagnosis.IsBinaryContainer(prefix)
        ? "the file is not plain text (compressed, an archive, a workbook or Parquet), so its byte ranges are no ranges of records"
        : null;

    /// <summary>Plans chunks of about <paramref name="targetChunkBytes"/> over a file of <paramref name="length"/> bytes.</summary>
    /// <param name="length">The file's size.</param>
    /// <param name="read">Opens a byte range of the file.</param>
    /// <param name="options">The contract (its dialect) and the record limit the chunks will be processed with.</param>
    /// <param name="targetChunkBytes">The size to aim for; the last chunk may be shorter, others are longer by up to one record.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<ChunkPlan> PlanAsync(long length, ByteRangeReader read, ProcessingOptions options, long targetChunkBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetChunkBytes, 1);
        options.Validate();
        if (length <= targetChunkBytes)
        {
            return Single(length, targetChunkBytes, 0, null);
        }
        var dialect = options.Contract.Dialect;
        var scanner = ChunkingScanner.For(dialect, out string? reason);
        if (scanner is null)
        {
            return Single(length, targetChunkBytes, 0, reason);
        }
        // A record of more bytes than this has more characters than the limit in any encoding split here: UTF-8
        // takes at most 3 bytes per UTF-16 character, a single-byte encoding 1.
        long maxRecordBytes = 3L * options.MaxRecordChars + 3;
        var (prefixEnd, why) = await ChunkingPrefix.FindAsync(scanner, read, length, maxRecordBytes, dialect.Encoding ?? Encoding.UTF8, cancellationToken);
        if (prefixEnd < 0)
        {
            return Single(length, targetChunkBytes, scanner.BytesScanned, why);
        }
        return await SplitAsync(scanner, read, length, targetChunkBytes, prefixEnd, maxRecordBytes, cancellationToken);
    }

    private static async Task<ChunkPlan> SplitAsync(
        ChunkingScanner scanner, ByteRangeReader read, long length, long target, long prefixEnd, long maxRecordBytes, CancellationToken cancellationToken)
    {
        var chunks = new List<FileChunk>();
        int speculative = 0;
        int sequential = 0;
        long previous = 0;
        while (true)
        {
            long at = Math.Max(previous + target, prefixEnd);
            if (at >= length)
            {
                break;
            }
            long window = Math.Min(length, at + SpeculativeWindowRecords * maxRecordBytes);
            long boundary = await scanner.FindBoundaryAsync(read, at, ChunkingScanner.Unknown, at, maxRecordBytes, window, cancellationToken);
            if (boundary >= 0)
            {
                speculative++;
            }
            else
            {
                // Ambiguous: read from the last boundary known, where the state is "record start", to the first one at or after the target.
                boundary = await scanner.FindBoundaryAsync(read, previous, ChunkingScanner.AtRecordStart, at, 0, length, cancellationToken);
                sequential++;
            }
            if (boundary < 0 || boundary >= length)
            {
                break;
            }
            chunks.Add(new FileChunk(chunks.Count, previous, boundary - previous));
            previous = boundary;
        }
        chunks.Add(new FileChunk(chunks.Count, previous, length - previous));
        return new ChunkPlan
        {
            Length = length,
            TargetChunkBytes = target,
            PrefixLength = chunks.Count > 1 ? prefixEnd : 0,
            Chunks = chunks,
            BytesScanned = scanner.BytesScanned,
            SpeculativeBoundaries = speculative,
            SequentialBoundaries = sequential,
        };
    }

    private static ChunkPlan Single(long length, long target, long scanned, string? reason) => new()
    {
        Length = length,
        TargetChunkBytes = target,
        Chunks = [new FileChunk(0, 0, length)],
        BytesScanned = scanned,
        SingleChunkReason = reason,
    };
}
