using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Loading;

/// <summary>
/// A large local CSV file loaded by <see cref="ChunkedLoader"/> in one process: plan, begin, N chunk workers (each on its
/// own connection) beside the hash worker, commit. The outcome is exactly <see cref="FileLoader.LoadAsync"/>'s on the same
/// file (used by <c>txetl run --parallel N</c> and tests). A file that cannot be split, or splits into one chunk, loads
/// single-stream through <see cref="FileLoader"/>.
/// </summary>
public static class ParallelLoad
{
    /// <summary>
    /// Loads <paramref name="request"/>'s file, the local file at <paramref name="path"/>, in chunks of about
    /// <paramref name="chunkBytes"/> with up to <paramref name="workers"/> chunk workers. <see cref="LoadRequest.Content"/>
    /// is read only when the file loads single-stream (also after a chunk found a file-level error: see <see cref="ChunkedLoader.CommitAsync"/>); <see cref="LoadRequest.Progress"/> sees the bytes all workers have
    /// read, then the commit's phases.
    /// </summary>
    /// <param name="dataSource">Connections to the migrated database: up to <paramref name="workers"/> + 2 at once.</param>
    /// <param name="request">The file's request, as for <see cref="FileLoader.LoadAsync"/>.</param>
    /// <param name="path">The local file (<see cref="LoadRequest.Source"/>'s path).</param>
    /// <param name="workers">Chunk workers at a time; 1 loads single-stream.</param>
    /// <param name="chunkBytes">The chunk size to aim for (<see cref="ChunkPlanner.PlanAsync"/>).</param>
    /// <param name="logger">The loaders' log; none when null.</param>
    /// <param name="cancellationToken">Cancels the load; nothing is stored.</param>
    /// <exception cref="TransactionEtlException">The load failed; nothing of the file is stored and its ledger row says <c>failed</c>.</exception>
    public static async Task<FileSummary> LoadAsync(
        NpgsqlDataSource dataSource, LoadRequest request, string path, int workers, long chunkBytes, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        var plan = workers > 1 && WhyNotChunked(path, request.Contract) is null
            ? await ChunkPlanner.PlanAsync(new FileInfo(path).Length, LocalFileReader(path), PlanOptions(request), chunkBytes, cancellationToken)
            : null;
        if (plan is not { Chunks.Count: > 1 })
        {
            return await new FileLoader(dataSource, logger).LoadAsync(request, cancellationToken);
        }

        var loader = new ChunkedLoader(dataSource, logger);
        var start = await loader.BeginAsync(request, plan, cancellationToken);
        if (start.AlreadyLoaded is { } loaded)
        {
            return loaded;
        }

        var ticket = start.Ticket!;
        try
        {
            await new ChunkWorkers(loader, ticket, request, path, workers).RunAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            await loader.AbandonAsync(ticket, ex is OperationCanceledException ? "cancelled before commit; nothing was loaded" : ex.Message, CancellationToken.None);
            throw;
        }

        return await loader.CommitAsync(ticket, request, cancellationToken);
    }

    /// <summary>
    /// Why the local file at <paramref name="path"/> loads single-stream under <paramref name="contract"/> whatever its
    /// size (compressed, an archive, workbook or Parquet file; a contract with a unique field), or null when it may be
    /// planned in chunks. The planner may still return one chunk (<see cref="ChunkPlan.SingleChunkReason"/>).
    /// </summary>
    public static string? WhyNotChunked(string path, Contract contract)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (ChunkedLoader.CannotChunk(contract) is { } why)
        {
            return why;
        }

        Span<byte> first = stackalloc byte[ChunkPlanner.SignatureBytes];
        using (var file = File.OpenRead(path))
        {
            first = first[..file.ReadAtLeast(first, first.Length, throwOnEndOfStream: false)];
        }

        return ChunkPlanner.WhyNotSplittable(first);
    }

    /// <summary>Opens byte ranges of a local file (a seek): the <see cref="ByteRangeReader"/> of the planner and the chunk workers.</summary>
    public static ByteRangeReader LocalFileReader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return (offset, length, _) => Task.FromResult<Stream>(new ChunkRangeStream(path, offset, length));
    }

    private static ProcessingOptions PlanOptions(LoadRequest request) => new()
    {
        Contract = request.Contract,
        DetectDuplicatesInMemory = false,
        MaxRejectedRatio = request.MaxRejectedRatio,
    };
}
