namespace TransactionEtl.Core;

/// <summary>
/// What <see cref="FileProcessor.ProcessAsync"/> found in one file. When <see cref="ErrorCode"/> is set the file
/// is rejected as a whole: rows already handed to the sink before the error was found must not be loaded.
/// </summary>
public sealed class FileResult
{
    /// <summary>The file-level error code (<see cref="FileErrorCodes"/>), or null when the file was readable.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The file-level error as a sentence naming line/offset/column and a hint, or null.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Data records read (blank lines and the header excluded).</summary>
    public long RowsTotal { get; init; }

    /// <summary>Records handed to <see cref="IRowSink.AcceptAsync"/>.</summary>
    public long RowsValid { get; init; }

    /// <summary>Records handed to <see cref="IRowSink.RejectAsync"/>.</summary>
    public long RowsRejected { get; init; }

    /// <summary>Blank lines skipped (not data, never rejected).</summary>
    public long BlankLines { get; init; }

    /// <summary>Number of errors per code over all rejected rows (a row may carry several).</summary>
    public IReadOnlyDictionary<string, long> RejectReasons { get; init; } = new Dictionary<string, long>();

    /// <summary>Warnings, e.g. unknown columns that were ignored.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The header labels as found in the file, in file order (empty when there was none).</summary>
    public IReadOnlyList<string> Header { get; init; } = [];

    /// <summary>Lower-case hex SHA-256 of every byte of the input as stored (compressed, for compressed input).</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Number of bytes of the input as stored.</summary>
    public long Bytes { get; init; }

    /// <summary>The compression the input was read through (<c>gzip</c>, <c>zstd</c>, <c>bzip2</c>), or null for plain text.</summary>
    public string? Compression { get; init; }

    /// <summary>Decompressed bytes read (all of them, unless a file-level error stopped reading), or null for plain text.</summary>
    public long? BytesDecompressed { get; init; }

    /// <summary>The reject threshold that was applied.</summary>
    public decimal MaxRejectedRatio { get; init; }

    /// <summary>Wall time of the processing.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Whether <c>RowsRejected / RowsTotal</c> exceeds <see cref="MaxRejectedRatio"/>.</summary>
    public bool RejectThresholdExceeded => IsOverThreshold(RowsRejected, RowsTotal, MaxRejectedRatio);

    /// <summary>Whether the file would be rejected as a whole (file-level error or too many rejects).</summary>
    public bool IsRejected => IsRejectedAfter(0);

    /// <summary>
    /// Whether the file is rejected as a whole once <paramref name="moreRejected"/> valid rows are rejected too (the
    /// loader finds in-file duplicates in SQL, after the engine's count).
    /// </summary>
    public bool IsRejectedAfter(long moreRejected) =>
        ErrorCode is not null || IsOverThreshold(RowsRejected + moreRejected, RowsTotal, MaxRejectedRatio);

    /// <summary>The spec's threshold rule, shared with the loader (which recounts after resolving duplicates in SQL).</summary>
    public static bool IsOverThreshold(long rowsRejected, long rowsTotal, decimal maxRejectedRatio) =>
        rowsTotal > 0 && (decimal)rowsRejected / rowsTotal > maxRejectedRatio;
}
