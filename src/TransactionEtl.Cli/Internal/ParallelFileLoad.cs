using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>run</c>'s choice per file between the single-stream load (<see cref="ArchiveLoad"/>) and the chunked load on
/// several workers (<c>--parallel</c>, <see cref="ParallelSettings"/>). Only a plain CSV file is split: a compressed
/// file, a ZIP archive, a workbook or a Parquet file has no record boundaries at byte offsets, so it loads as one
/// stream, and stderr says so once per file when more than one worker was asked for (or given by default).
/// </summary>
internal sealed class ParallelFileLoad(
    FileLoader loader,
    Func<LoadRequest, string, int, long, CancellationToken, Task<FileSummary>> chunked,
    ParallelSettings parallel,
    CliEnvironment environment)
{
    public async Task<IReadOnlyList<FileSummary>> LoadAsync(
        string shown, string fullPath, Contract contract, LoadSettings settings, Action<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        var (workers, size) = await WorkersAsync(shown, fullPath, cancellationToken);
        if (workers <= 1)
        {
            return await ArchiveLoad.LoadAsync(loader, shown, fullPath, contract, settings, progress, cancellationToken);
        }
        long chunkBytes = parallel.ChunkBytesFor(size, workers);
        // The workers report their reads from their own threads; the progress display expects one caller at a time.
        var gate = new Lock();
        Action<LoadProgress>? shared = progress is null ? null : p =>
        {
            lock (gate)
            {
                progress(p);
            }
        };
        return [await LocalFileLoad.LoadAsync(
            (request, ct) => chunked(request, fullPath, workers, chunkBytes, ct), shown, fullPath, contract, settings, shared, cancellationToken)];
    }

    /// <summary>The workers for the file, 1 when it cannot be split (said on stderr), and its size.</summary>
    private async Task<(int Workers, long Size)> WorkersAsync(string shown, string fullPath, CancellationToken cancellationToken)
    {
        try
        {
            long size = new FileInfo(fullPath).Length;
            int workers = parallel.WorkersFor(size, Environment.ProcessorCount);
            if (workers <= 1)
            {
                return (1, size);
            }
            if (await ChunkPlanner.UnsplittableReasonAsync(size, OpenRange(fullPath), cancellationToken) is { } reason)
            {
                if (!environment.Quiet)
                {
                    await environment.Error.WriteLineAsync(
                        $"{Visible.Text(shown)}: loading as one stream, not on {workers} workers: {reason}, and only plain CSV text is split into chunks");
                }
                return (1, size);
            }
            return (workers, size);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (1, 0); // The single-stream load names the read error.
        }
    }

    private static ByteRangeReader OpenRange(string path) => (offset, _, _) =>
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        file.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult<Stream>(file);
    };
}
