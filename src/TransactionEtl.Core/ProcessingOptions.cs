namespace TransactionEtl.Core;

/// <summary>How one file is processed. Validated once by <see cref="FileProcessor.ProcessAsync"/> before reading.</summary>
public sealed class ProcessingOptions
{
    /// <summary>The default limit on one field: 64 Ki characters.</summary>
    public const int DefaultMaxFieldChars = 64 * 1024;

    /// <summary>The default limit on one record: 1 Mi characters (the CSV reader's buffer never grows beyond it).</summary>
    public const int DefaultMaxRecordChars = 1024 * 1024;

    /// <summary>
    /// The default limit on the fields of one record (header included): 1,000, far above any transactions file,
    /// far below the tens of thousands that make the CSV reader allocate hundreds of MiB.
    /// </summary>
    public const int DefaultMaxFieldsPerRecord = 1_000;

    /// <summary>
    /// The default limit on the decompressed size of compressed input: 64 GiB, about 300 million transaction rows,
    /// beyond any daily drop and far beyond what a Lambda reads in its 15 minutes.
    /// </summary>
    public const long DefaultMaxDecompressedBytes = 64L * 1024 * 1024 * 1024;

    /// <summary>
    /// The default limit on decompressed bytes per stored byte: 100. CSV compresses 4 to 20 times (zstd -19 on very
    /// repetitive rows, about 30); a gzip bomb of zeros reaches 1,000.
    /// </summary>
    public const int DefaultMaxDecompressionRatio = 100;

    /// <summary>The contract to apply; the shipped default transactions contract when not set.</summary>
    public Contract Contract { get; init; } = Contract.Default;

    /// <summary>
    /// Detect repeated primary keys within the file (a compact set in memory; with a sink that is an
    /// <see cref="ILateRejectSink"/> and a contract without unique fields, keys past the set's budget spill to a temp
    /// file, so memory stays flat). The validate command turns it on; the loader leaves it off and resolves
    /// in-file duplicates in SQL on its staging table.
    /// </summary>
    public bool DetectDuplicatesInMemory { get; init; }

    /// <summary>
    /// The memory the duplicate check's key set may use (its records and table) before the rest of the keys spill to
    /// sorted runs in a temp file; see <c>FileRun.CheckKey</c>. For tests, which force a spill with a tiny budget.
    /// </summary>
    internal long DuplicateCheckBudgetBytes { get; init; } = DefaultDuplicateCheckBudgetBytes;

    /// <summary>16 MiB: about 1.1M 12-character ids in memory, and validate's whole process stays near 64 MB.</summary>
    internal const long DefaultDuplicateCheckBudgetBytes = 16L << 20;

    /// <summary>For tests: replaces each key's 64-bit hash in the duplicate check, e.g. by a constant so that every key collides.</summary>
    internal Func<ulong, ulong>? DuplicateCheckHashRemap { get; init; }

    /// <summary>Called with the number of bytes read so far, after each read from the input (for progress bars).</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>A field longer than this (in characters) is rejected with <c>constraint-error</c>.</summary>
    public int MaxFieldChars { get; init; } = DefaultMaxFieldChars;

    /// <summary>A record longer than this (in characters) rejects the file (<c>record-too-large</c>); bounds memory.</summary>
    public int MaxRecordChars { get; init; } = DefaultMaxRecordChars;

    /// <summary>
    /// A record (the header included) with more fields than this rejects the file (<c>record-too-large</c>), checked
    /// before the CSV reader allocates anything per field; bounds memory and CPU per record.
    /// </summary>
    public int MaxFieldsPerRecord { get; init; } = DefaultMaxFieldsPerRecord;

    /// <summary>
    /// Compressed input that decompresses to more bytes than this is rejected (<c>decompression-limit</c>); 0 for no limit.
    /// </summary>
    public long MaxDecompressedBytes { get; init; } = DefaultMaxDecompressedBytes;

    /// <summary>
    /// Compressed input whose decompressed bytes exceed this many times the stored bytes read so far (judged past the
    /// first 256 KiB) is rejected (<c>decompression-limit</c>); 0 for no limit.
    /// </summary>
    public int MaxDecompressionRatio { get; init; } = DefaultMaxDecompressionRatio;

    /// <summary>Overrides the contract's <c>maxRejectedRatio</c> for this run when set (0..1).</summary>
    public decimal? MaxRejectedRatio { get; init; }

    /// <summary>The reject threshold that applies: the override or the contract's.</summary>
    public decimal EffectiveMaxRejectedRatio => MaxRejectedRatio ?? Contract.MaxRejectedRatio;

    /// <summary>Throws <see cref="ArgumentException"/> when an option is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Contract);
        if (MaxFieldChars < 1)
        {
            throw new ArgumentException($"MaxFieldChars must be at least 1 (was {MaxFieldChars}).", nameof(MaxFieldChars));
        }
        if (MaxRecordChars < 4096)
        {
            throw new ArgumentException($"MaxRecordChars must be at least 4096 (was {MaxRecordChars}).", nameof(MaxRecordChars));
        }
        if (MaxFieldsPerRecord < 1)
        {
            throw new ArgumentException($"MaxFieldsPerRecord must be at least 1 (was {MaxFieldsPerRecord}).", nameof(MaxFieldsPerRecord));
        }
        if (MaxDecompressedBytes < 0 || MaxDecompressionRatio < 0)
        {
            throw new ArgumentException($"MaxDecompressedBytes and MaxDecompressionRatio must be 0 (no limit) or more (were {MaxDecompressedBytes} and {MaxDecompressionRatio}).", nameof(MaxDecompressedBytes));
        }
        if (MaxRejectedRatio is { } r && (r < 0 || r > 1))
        {
            throw new ArgumentException($"MaxRejectedRatio must be between 0 and 1 (was {r}).", nameof(MaxRejectedRatio));
        }
    }
}
