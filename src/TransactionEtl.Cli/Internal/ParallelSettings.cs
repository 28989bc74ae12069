namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>run</c>'s <c>--parallel</c>, <c>--chunk-bytes</c> and <c>--parallel-min-bytes</c>, and the defaults they fall
/// back to: how many chunk workers a plain CSV file gets and how large its chunks are (docs/operations.md, "Large
/// files on one machine").
/// </summary>
internal sealed record ParallelSettings
{
    /// <summary>
    /// Default of <see cref="MinBytes"/>: 1 GiB, the AWS path's threshold too. Below it a load takes seconds, and a
    /// chunked load's fixed costs (the plan, a work table, a transaction per chunk, the commit's second pass) do not pay.
    /// </summary>
    public const long DefaultMinBytes = 1L << 30;

    /// <summary>
    /// The unit and the floor of the default chunk size: 64 MiB, about 600,000 rows of the default contract, so that
    /// a chunk's own transaction and ledger row stay a small share of its time.
    /// </summary>
    public const long ChunkUnit = 64L << 20;

    /// <summary><c>--parallel N</c>, or null for the default policy (<see cref="WorkersFor"/>).</summary>
    public int? Workers { get; init; }

    /// <summary><c>--chunk-bytes</c>, or null for the default (<see cref="ChunkBytesFor"/>).</summary>
    public long? ChunkBytes { get; init; }

    /// <summary><c>--parallel-min-bytes</c>: the size from which a file gets a worker per core when <c>--parallel</c> is not given.</summary>
    public long MinBytes { get; init; } = DefaultMinBytes;

    /// <summary>The workers for a file of <paramref name="size"/> bytes: <c>--parallel</c>, else one per core from <see cref="MinBytes"/> on, else 1.</summary>
    public int WorkersFor(long size, int cores) => Workers ?? (size >= MinBytes ? Math.Max(1, cores) : 1);

    /// <summary>
    /// The chunk size for <paramref name="workers"/> workers: <c>--chunk-bytes</c>, else the file's share per worker
    /// rounded up to <see cref="ChunkUnit"/> (at least one unit), so that each worker gets about one chunk.
    /// </summary>
    public long ChunkBytesFor(long size, int workers)
    {
        if (ChunkBytes is { } given)
        {
            return given;
        }
        long share = (Math.Max(0, size) + workers - 1) / Math.Max(1, workers);
        long units = Math.Max(1, (share + ChunkUnit - 1) / ChunkUnit);
        return units * ChunkUnit;
    }
}
