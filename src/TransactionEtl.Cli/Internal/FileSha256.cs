using System.Buffers;
using System.Security.Cryptography;

namespace TransactionEtl.Cli.Internal;

/// <summary>The lower-case hex SHA-256 of a whole file's content, read in large chunks.</summary>
/// <remarks>
/// <c>SHA256.HashDataAsync</c> over the load's 64 KiB-buffered <see cref="FileStream"/> made a read and a thread-pool
/// hand-off per 64 KiB and copied out of the stream's buffer. Positional reads of 256 KiB (hashed while still in the
/// L2 cache) make the same hash with a quarter of the reads: a 1M-row run made 1,600 pread64 calls instead of 2,552
/// (docs/performance.md, session 11, io).
/// </remarks>
internal static class FileSha256
{
    internal const int ChunkBytes = 256 * 1024;

    public static async Task<string> OfAsync(string path, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long offset = 0;
            int read;
            while ((read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, ChunkBytes), offset, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
