namespace TransactionEtl.Postgres.Loading;

/// <summary>One row of the file ledger (<c>txetl.ingestion_files</c>).</summary>
public sealed record LedgerEntry
{
    /// <summary>The ledger id (what <c>txetl rejects FILE_ID</c> takes).</summary>
    public required long FileId { get; init; }

    /// <summary>Where the file came from (<c>file://...</c> or <c>s3://bucket/key</c>).</summary>
    public required string SourceUri { get; init; }

    /// <summary>loading, loaded, loaded_with_rejects, rejected, already_loaded or failed.</summary>
    public required string Status { get; init; }

    /// <summary>The content hash, once the file was read to the end.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Data rows of the file, when finished.</summary>
    public long? RowsTotal { get; init; }

    /// <summary>Rows loaded.</summary>
    public long? RowsLoaded { get; init; }

    /// <summary>Rows rejected with a reason.</summary>
    public long? RowsRejected { get; init; }

    /// <summary>Rows whose key was loaded before.</summary>
    public long? RowsDuplicate { get; init; }

    /// <summary>Rows whose key was loaded before with other content (rejected, updated or skipped); null before migration 0007.</summary>
    public long? RowsConflicting { get; init; }

    /// <summary>Stored rows a correction replaced (part of <see cref="RowsLoaded"/>); null before migration 0007.</summary>
    public long? RowsUpdated { get; init; }

    /// <summary>Blank lines skipped, when finished.</summary>
    public long? BlankLines { get; init; }

    /// <summary>Warnings such as ignored unknown columns (empty until finished).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Number of errors per code.</summary>
    public IReadOnlyDictionary<string, long> RejectReasons { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>For already_loaded: the file id that loaded this content first.</summary>
    public long? DuplicateOf { get; init; }

    /// <summary>Attempts of this source (a crashed or failed attempt is taken over by the next).</summary>
    public int Attempt { get; init; }

    /// <summary>When the (last) attempt started.</summary>
    public DateTime StartedAt { get; init; }

    /// <summary>When it finished, or null while loading.</summary>
    public DateTime? FinishedAt { get; init; }

    /// <summary>The file's header labels as found (empty until the file was read).</summary>
    public IReadOnlyList<string> Header { get; init; } = [];

    /// <summary>The name of the contract the file was loaded with (its dialect is the file's).</summary>
    public string ContractName { get; init; } = "";

    /// <summary>The version of that contract.</summary>
    public string ContractVersion { get; init; } = "";

    /// <summary>Why the file failed or was rejected.</summary>
    public string? Error { get; init; }
}
