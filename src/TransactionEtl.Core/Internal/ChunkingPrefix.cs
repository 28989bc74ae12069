using System.Buffers;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Finds where the file's first non-blank record (the header, or the first data record) ends, reading from byte 0
/// as the engine does: chunks after the first are read behind these bytes (see <see cref="ChunkPlan.PrefixLength"/>).
/// </summary>
internal static class ChunkingPrefix
{
    private const int BlockBytes = 64 * 1024;

    /// <summary>The prefix's end, or -1 with the reason the file cannot be split.</summary>
    public static async Task<(long End, string? Reason)> FindAsync(
        ChunkingScanner scanner, ByteRangeReader read, long length, long maxRecordBytes, Encoding encoding, CancellationToken cancellationToken)
    {
        // A bounded range: on S3 a GET of the whole object would be opened (and abandoned) for a few hundred bytes.
        long window = Math.Min(length, 2 * maxRecordBytes);
        await using var input = await read(0, window, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockBytes);
        var record = new ArrayBufferWriter<byte>();
        long position = 0;
        try
        {
            int set = ChunkingScanner.AtRecordStart;
            bool firstBreakSeen = false;
            bool crPending = false;
            int n;
            while (position < window && (n = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BlockBytes, window - position)), cancellationToken)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    byte b = buffer[i];
                    if (crPending && b != '\n')
                    {
                        // Sylvan reads a file whose first line break is a lone CR as CR-separated; that reading is not
                        // modelled here, so such a file is not split (rare: classic Mac OS files).
                        return (-1, "the file's first line break is a lone CR");
                    }
                    crPending = !firstBreakSeen && b == '\r';
                    firstBreakSeen |= b is (byte)'\r' or (byte)'\n';
                    set = scanner.Next(set, b);
                    position++;
                    record.Write([b]);
                    if (ChunkingScanner.IsLf(b) && ChunkingScanner.Collapse(set) == ChunkingScanner.AtRecordStart)
                    {
                        if (!IsBlank(record.WrittenSpan, atFileStart: position == record.WrittenCount, encoding))
                        {
                            return (position, null);
                        }
                        record.ResetWrittenCount();
                    }
                    else if (record.WrittenCount > maxRecordBytes)
                    {
                        return (-1, "the first record is longer than the record limit");
                    }
                }
            }
            return (-1, window < length
                ? $"no non-blank record ends with a line break in the first {window} bytes"
                : "the file has no record that ends with a line break");
        }
        finally
        {
            scanner.AddScanned(position);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Whitespace only, as the engine decides (after the decoder has dropped a BOM at the file's start).</summary>
    private static bool IsBlank(ReadOnlySpan<byte> record, bool atFileStart, Encoding encoding)
    {
        var text = encoding.GetString(record).AsSpan();
        if (atFileStart && text.StartsWith('\uFEFF') && encoding is UTF8Encoding)
        {
            text = text[1..];
        }
        return text.IsWhiteSpace();
    }
}
