using System.CommandLine;

namespace TransactionEtl.Cli.Internal;

/// <summary><c>run</c>'s options for loading a large plain CSV file in parallel chunks; values in <see cref="ParallelSettings"/>.</summary>
internal sealed class ParallelLoadOptions
{
    /// <summary>
    /// Each worker holds a PostgreSQL connection of its own for its chunk's COPY, besides the load's own; a server's
    /// default max_connections is 100, and more workers than cores only wait for each other.
    /// </summary>
    public const int MaxWorkers = 64;

    /// <summary>
    /// The smallest <c>--chunk-bytes</c>: tests split small files into many chunks with it; a real load wants the
    /// default (64 MiB or more), as every chunk costs a transaction and a ledger row.
    /// </summary>
    public const long MinChunkBytes = 1024;

    public Option<int?> Parallel { get; } = new Option<int?>("--parallel")
    {
        HelpName = "N",
        Description = "Load a plain CSV file as byte-range chunks on N workers (each with its own connection) that commit as one: " +
            "the same rows, rejects and summary as one stream. Compressed files, ZIP archives, Excel, Parquet and contracts with a unique field load as one stream. " +
            $"1 is the single-stream load. Default: one per core for files of --parallel-min-bytes or more, else 1. At most {MaxWorkers}.",
    }.Number().Check(value => value is < 1 or > MaxWorkers ? $"--parallel must be a whole number from 1 to {MaxWorkers}, got {value}." : null);

    public Option<long?> ChunkBytes { get; } = new Option<long?>("--chunk-bytes")
    {
        HelpName = "BYTES",
        Description = "With --parallel: the size of a chunk (each ends at the next record boundary). " +
            "Default: the file's size divided by N, rounded up to 64 MiB (at least 64 MiB).",
    }.Number().Check(value => value < MinChunkBytes ? $"--chunk-bytes must be a whole number of bytes, at least {MinChunkBytes}, got {value}." : null);

    public Option<long?> MinBytes { get; } = new Option<long?>("--parallel-min-bytes")
    {
        HelpName = "BYTES",
        Description = "Without --parallel: files of at least this size load on one worker per core, smaller ones as one stream. " +
            "Default: 1073741824 (1 GiB).",
    }.Number().Check(value => value < 0 ? $"--parallel-min-bytes must be 0 or more, got {value}." : null);

    public void AddTo(Command command)
    {
        command.Options.Add(Parallel);
        command.Options.Add(ChunkBytes);
        command.Options.Add(MinBytes);
    }

    /// <summary>These options' values in <paramref name="parse"/>.</summary>
    public ParallelSettings Read(ParseResult parse) => new()
    {
        Workers = parse.GetValue(Parallel),
        ChunkBytes = parse.GetValue(ChunkBytes),
        MinBytes = parse.GetValue(MinBytes) ?? ParallelSettings.DefaultMinBytes,
    };
}
