using System.IO.Compression;

namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>
/// Issue 17's acceptance: a gzip bomb (1 GiB of zeros in about 1 MiB) is rejected with the guard's reason, reading
/// a small part of it, in bounded memory. Runs alone: it measures process-wide allocation.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class DecompressionBombTests : IDisposable
{
    private const long Gibibyte = 1024L * 1024 * 1024;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"txetl-bomb-{Guid.NewGuid():N}.csv.gz");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task A_gzip_bomb_is_rejected_by_the_ratio_guard_in_bounded_memory()
    {
        // Streamed into the encoder, so the test itself never holds the gibibyte either.
        await using (var file = File.Create(_path))
        await using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        {
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < Gibibyte; written += zeros.Length)
            {
                await gzip.WriteAsync(zeros);
            }
        }
        long stored = new FileInfo(_path).Length;
        Assert.InRange(stored, 100_000, 8 * 1024 * 1024);

        await using var input = File.OpenRead(_path);
        var options = new ProcessingOptions { DetectDuplicatesInMemory = false };
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await FileProcessor.ProcessAsync(input, new CollectingSink(), options, CancellationToken.None);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(FileErrorCodes.DecompressionLimit, result.ErrorCode);
        Assert.Contains("decompression bomb", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("--max-decompression-ratio", result.ErrorMessage, StringComparison.Ordinal);
        // Stopped early: far less than the gibibyte was decompressed, yet the whole stored file was hashed.
        Assert.InRange(result.BytesDecompressed!.Value, 1, 64L * 1024 * 1024);
        Assert.Equal(stored, result.Bytes);
        Assert.InRange(allocated, 0, 32L * 1024 * 1024);
    }
}
