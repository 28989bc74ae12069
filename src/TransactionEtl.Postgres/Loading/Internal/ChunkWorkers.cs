using System.Runtime.ExceptionServices;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// <see cref="ParallelLoad"/>'s middle part: the chunk workers (at most N at a time, each on its own connection) and
/// the hash worker, side by side; the first failure cancels the rest. Chunks after one with a file-level error are
/// not started (the commit would not look at them, as the single stream stops there). Progress: the bytes every
/// worker's engine has read, summed, of the file's size.
/// </summary>
internal sealed class ChunkWorkers(ChunkedLoader loader, ChunkTicket ticket, LoadRequest request, string path, int workers)
{
    private readonly long[] _readByChunk = new long[ticket.ChunkCount];
    private readonly Lock _progress = new();
    private long _read;
    private int _firstError = int.MaxValue;

    /// <summary>Whether a chunk found a file-level error (the file is rejected as a whole).</summary>
    public bool FoundFileError => Volatile.Read(ref _firstError) != int.MaxValue;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        request.Progress?.Invoke(new LoadProgress(LoadPhase.Reading, 0, ticket.Length));
        var hash = StopOnFailure(() => HashAsync(stop.Token), stop);
        var chunks = StopOnFailure(() => Parallel.ForEachAsync(Enumerable.Range(0, ticket.ChunkCount),
            new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = stop.Token }, LoadChunkAsync), stop);
        var all = Task.WhenAll(hash, chunks);
        try
        {
            await all;
        }
        catch (Exception) when (all.Exception is { } failed)
        {
            // The cause, not the cancellation of the other worker it brought about.
            var cause = failed.Flatten().InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? failed.InnerExceptions[0];
            ExceptionDispatchInfo.Capture(cause).Throw();
        }
    }

    private async ValueTask LoadChunkAsync(int index, CancellationToken cancellationToken)
    {
        if (index > Volatile.Read(ref _firstError))
        {
            return;
        }

        var outcome = await loader.LoadChunkAsync(ticket, request, index, ParallelLoad.LocalFileReader(path), read => Report(index, read), cancellationToken);
        if (outcome.Result.ErrorCode is not null)
        {
            int seen;
            while (index < (seen = Volatile.Read(ref _firstError)) && Interlocked.CompareExchange(ref _firstError, index, seen) != seen)
            {
            }
        }
    }

    private async Task HashAsync(CancellationToken cancellationToken)
    {
        var content = new ChunkRangeStream(path, 0, long.MaxValue);
        await using (content)
        {
            await loader.HashAsync(ticket, request.Source, content, cancellationToken);
        }
    }

    private void Report(int chunk, long read)
    {
        var delta = read - Interlocked.Exchange(ref _readByChunk[chunk], read);
        var total = Interlocked.Add(ref _read, delta);
        if (request.Progress is { } progress)
        {
            lock (_progress)
            {
                // A later chunk's stream begins with the header again, so the sum may pass the size by a little.
                progress(new LoadProgress(LoadPhase.Reading, Math.Min(total, ticket.Length), ticket.Length));
            }
        }
    }

    private static async Task StopOnFailure(Func<Task> work, CancellationTokenSource stop)
    {
        try
        {
            await work();
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }
}
