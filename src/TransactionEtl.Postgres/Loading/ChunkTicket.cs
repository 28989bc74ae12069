using System.Text.Json.Serialization;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading;

/// <summary>
/// One chunked attempt of one file, as <see cref="ChunkedLoader.BeginAsync"/> started it: what a chunk worker, the hash
/// worker and the commit step need to find the attempt's work table and rows, and the plan's byte ranges. Small plain
/// data on purpose: it travels through a Step Functions state (256 KiB payload limit: about 20 bytes per chunk), so it
/// serializes with <see cref="ChunkTicketJsonContext"/> (source-generated, Native-AOT safe).
/// </summary>
public sealed class ChunkTicket
{
    /// <summary>The ledger row (<c>txetl.ingestion_files.file_id</c>) of the file.</summary>
    public long FileId { get; init; }

    /// <summary>The ledger row's attempt this ticket belongs to; a later attempt of the same file supersedes it.</summary>
    public int Attempt { get; init; }

    /// <summary>
    /// The SHA-256 of the contract the attempt was begun with: a worker or commit given another contract refuses to
    /// run (its rows would not be the ones the plan was made for).
    /// </summary>
    public string ContractSha256 { get; init; } = "";

    /// <summary>The file's size in bytes (<see cref="ChunkPlan.Length"/>).</summary>
    public long Length { get; init; }

    /// <summary>The chunk size the plan aimed for (<see cref="ChunkPlan.TargetChunkBytes"/>).</summary>
    public long TargetChunkBytes { get; init; }

    /// <summary>The file's prefix (header) length (<see cref="ChunkPlan.PrefixLength"/>).</summary>
    public long PrefixLength { get; init; }

    /// <summary>Each chunk's first byte, in file order; chunk <c>i</c> ends where chunk <c>i + 1</c> starts (the last at <see cref="Length"/>).</summary>
    public IReadOnlyList<long> ChunkStarts { get; init; } = [];

    /// <summary>How many chunks the attempt has (one worker call each).</summary>
    [JsonIgnore]
    public int ChunkCount => ChunkStarts.Count;

    /// <summary>The work table of this attempt, quoted: <c>txetl_work."f&lt;file_id&gt;_a&lt;attempt&gt;"</c>.</summary>
    [JsonIgnore]
    public string WorkTable => $"txetl_work.\"f{FileId}_a{Attempt}\"";

    /// <summary>Chunk <paramref name="index"/> of the plan.</summary>
    public FileChunk Chunk(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ChunkCount);
        var start = ChunkStarts[index];
        var end = index + 1 < ChunkCount ? ChunkStarts[index + 1] : Length;
        return new FileChunk(index, start, end - start);
    }

    /// <summary>The plan again, as <see cref="FileProcessor.ProcessChunkAsync"/> takes it (boundary counts are not kept).</summary>
    public ChunkPlan ToPlan() => new()
    {
        Length = Length,
        TargetChunkBytes = TargetChunkBytes,
        PrefixLength = PrefixLength,
        Chunks = Enumerable.Range(0, ChunkCount).Select(Chunk).ToArray(),
    };

    /// <summary>The ticket of attempt <paramref name="attempt"/> of file <paramref name="fileId"/> over <paramref name="plan"/>.</summary>
    public static ChunkTicket For(long fileId, int attempt, Contract contract, ChunkPlan plan)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(plan);
        return new ChunkTicket
        {
            FileId = fileId,
            Attempt = attempt,
            ContractSha256 = contract.Sha256,
            Length = plan.Length,
            TargetChunkBytes = plan.TargetChunkBytes,
            PrefixLength = plan.PrefixLength,
            ChunkStarts = plan.Chunks.Select(c => c.Start).ToArray(),
        };
    }
}
