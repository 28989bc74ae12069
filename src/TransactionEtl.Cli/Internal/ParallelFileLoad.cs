using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>run</c>'s choice per file between the single-stream load (<see cref="ArchiveLoad"/>) and the chunked load on
/// several workers (<c>--parallel</c>, <see cref="ParallelSettings"/>; <see cref="ParallelLoad"/>). Only a plain CSV
/// file is split: a compressed file, a ZIP archive, a workbook or a Parquet file has no record boundaries at byte
/// offsets (and a contract with a unique field needs one stream), so it loads as one stream, and stderr says so once
/// per file when more than one worker was asked for (or given by default).
/// </summary>
internal sealed class ParallelFileLoad(
    NpgsqlDataSource dataSource, ILogger? logger, ParallelSettings parallel, CliEnvironment environment)
{
    private readonly FileLoader _loader = new(dataSource, logger);

    public async Task<IReadOnlyList<FileSummary>> LoadAsync(
        string shown, string fullPath, Contract contract, LoadSettings settings, Action<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        var (workers, size) = await WorkersAsync(shown, fullPath, contract);
        if (workers <= 1)
        {
            return await ArchiveLoad.LoadAsync(_loader, shown, fullPath, contract, settings, progress, cancellationToken);
        }
        long chunkBytes = parallel.ChunkBytesFor(size, workers);
        // ParallelLoad reports the workers' reads one at a time (under its own lock), as the progress display needs.
        return [await LocalFileLoad.LoadAsync(
            (request, ct) => ParallelLoad.LoadAsync(dataSource, request, fullPath, workers, chunkBytes, logger, ct),
            shown, fullPath, contract, settings, progress, cancellationToken)];
    }

    /// <summary>The workers for the file, 1 when it cannot be split (said on stderr), and its size.</summary>
    private async Task<(int Workers, long Size)> WorkersAsync(string shown, string fullPath, Contract contract)
    {
        try
        {
            long size = new FileInfo(fullPath).Length;
            int workers = parallel.WorkersFor(size, Environment.ProcessorCount);
            if (workers <= 1)
            {
                return (1, size);
            }
            if (ParallelLoad.WhyNotChunked(fullPath, contract) is { } reason)
            {
                if (!environment.Quiet)
                {
                    await environment.Error.WriteLineAsync(
                        $"{Visible.Text(shown)}: loading as one stream, not on {workers} workers: {reason}");
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
}
