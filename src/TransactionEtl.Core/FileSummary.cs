using System.Text.Json.Serialization;

namespace TransactionEtl.Core;

/// <summary>
/// The per-file summary of the spec (one JSON object per file): the CLI prints it with <c>--json</c>, the Lambda
/// returns it. Serialize with <see cref="FileSummaryJsonContext"/> (snake_case, AOT-safe).
/// Invariant: <c>RowsTotal = rows valid + RowsRejected + RowsDuplicate + conflicts skipped</c>; <c>RowsUpdated</c> is
/// part of the valid rows; <c>RowsLoaded</c> is the valid rows unless the file is rejected (then 0).
/// </summary>
public sealed record FileSummary
{
    /// <summary>The file's name or URI as given (path, <c>s3://bucket/key</c>).</summary>
    public required string File { get; init; }

    /// <summary>
    /// The ledger id of the file, a JSON number (set by the loader; for <c>already_loaded</c> the id of the file that loaded
    /// the content; for a failed load its ledger row when one was written; null in a dry run).
    /// </summary>
    public long? FileId { get; init; }

    /// <summary>One of <see cref="FileStatus"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Data rows (blank lines excluded).</summary>
    public long RowsTotal { get; init; }

    /// <summary>Rows loaded (would be loaded, in a dry run); 0 when the file is rejected.</summary>
    public long RowsLoaded { get; init; }

    /// <summary>Rows rejected with a reason (not counting <see cref="RowsDuplicate"/>).</summary>
    public long RowsRejected { get; init; }

    /// <summary>Rows whose key was loaded from an earlier file (<c>duplicate-existing</c>).</summary>
    public long RowsDuplicate { get; init; }

    /// <summary>
    /// Rows whose key was stored by an earlier file with other content: rejected (<c>key-conflict</c>, the default),
    /// updated, or skipped, as the contract's <c>onExistingKey</c> says. Every conflict counts here, whatever the choice.
    /// </summary>
    public long RowsConflicting { get; init; }

    /// <summary>Conflicting rows that replaced the stored row (<c>onExistingKey: update</c>); part of <see cref="RowsLoaded"/>.</summary>
    public long RowsUpdated { get; init; }

    /// <summary>Blank lines skipped.</summary>
    public long BlankLines { get; init; }

    /// <summary>
    /// The compression the file's bytes were read through (<c>gzip</c>, <c>zstd</c>, <c>bzip2</c>, <c>zip</c>), found by
    /// their magic bytes; omitted from JSON for an uncompressed file.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Compression { get; init; }

    /// <summary>The decompressed size in bytes; omitted from JSON for an uncompressed file.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? BytesDecompressed { get; init; }

    /// <summary>Number of errors per code (row codes, plus the file-level code when the file was rejected).</summary>
    public IReadOnlyDictionary<string, long> RejectReasons { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Warnings such as ignored unknown columns.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Processing wall time in milliseconds.</summary>
    public long DurationMs { get; init; }

    /// <summary>Why the file was rejected or failed, as one sentence; omitted from JSON when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>
    /// The summary of a dry run (validate): what loading would do, with nothing loaded before. Status is
    /// <c>rejected</c> for a file-level error or too many rejects, <c>loaded_with_rejects</c> when some rows
    /// are rejected, else <c>loaded</c>.
    /// </summary>
    public static FileSummary ForDryRun(string file, FileResult result) => From(file, result);

    /// <summary>
    /// The one place that decides a file's status and counts, for a dry run and a load alike. The loader adds what
    /// only the database can tell: keys repeated in the file (found in SQL, so not yet in <paramref name="result"/>),
    /// keys stored before and unique values stored before. Status is <c>rejected</c> for a file-level error or when the rejected rows, in-file
    /// duplicates included, exceed the threshold; else <c>loaded_with_rejects</c> when some rows are rejected, else
    /// <c>loaded</c>. <see cref="FileId"/> is left null and <see cref="DurationMs"/> is the processing time.
    /// </summary>
    /// <param name="file">The name shown for the file.</param>
    /// <param name="result">What the engine found.</param>
    /// <param name="inFileDuplicates">Valid rows rejected afterwards because their key repeats an earlier line.</param>
    /// <param name="duplicateExisting">Valid rows not loaded because their key was stored before.</param>
    /// <param name="storedUnique">
    /// Valid rows rejected afterwards (<c>unique-error</c>, one error each) because a unique column's value was stored by
    /// another row before; rejected rows like <paramref name="inFileDuplicates"/>.
    /// </param>
    /// <param name="conflicts">
    /// Valid rows whose key was stored before with other content, and what became of them (<see cref="KeyConflicts"/>):
    /// rejected ones count as rejects and against the threshold, skipped ones are not loaded, updated ones are loaded.
    /// </param>
    public static FileSummary From(
        string file, FileResult result, long inFileDuplicates = 0, long duplicateExisting = 0, long storedUnique = 0,
        KeyConflicts conflicts = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(result);
        var reasons = Reasons(result, inFileDuplicates, storedUnique, conflicts.Rejected);
        var loaderRejected = inFileDuplicates + storedUnique + conflicts.Rejected;
        var rowsRejected = result.RowsRejected + loaderRejected;
        var rejected = result.IsRejectedAfter(loaderRejected);
        string? error = result.ErrorMessage;
        if (result.ErrorCode is not null)
        {
            reasons[result.ErrorCode] = reasons.GetValueOrDefault(result.ErrorCode) + 1;
        }
        else if (rejected)
        {
            reasons[FileErrorCodes.TooManyRejects] = 1;
            error = TooManyRejectsMessage(rowsRejected, result.RowsTotal, result.MaxRejectedRatio);
        }

        return new FileSummary
        {
            File = file,
            Status = rejected ? FileStatus.Rejected : rowsRejected > 0 ? FileStatus.LoadedWithRejects : FileStatus.Loaded,
            RowsTotal = result.RowsTotal,
            RowsLoaded = rejected ? 0 : result.RowsValid - loaderRejected - duplicateExisting - conflicts.Skipped,
            RowsRejected = rowsRejected,
            RowsDuplicate = duplicateExisting,
            RowsConflicting = conflicts.Total,
            RowsUpdated = rejected ? 0 : conflicts.Updated,
            BlankLines = result.BlankLines,
            Compression = result.Compression,
            BytesDecompressed = result.BytesDecompressed,
            RejectReasons = reasons,
            Warnings = result.Warnings,
            Sha256 = result.Sha256,
            DurationMs = (long)result.Duration.TotalMilliseconds,
            Error = error,
        };
    }

    /// <summary>The engine's reasons plus the rows the loader rejected afterwards, by code.</summary>
    private static SortedDictionary<string, long> Reasons(FileResult result, long inFileDuplicates, long storedUnique, long conflictsRejected)
    {
        var reasons = new SortedDictionary<string, long>(result.RejectReasons.ToDictionary(), StringComparer.Ordinal);
        foreach (var (code, count) in new[] { (FileErrorCodes.PrimaryKey, inFileDuplicates), (FileErrorCodes.UniqueError, storedUnique), (FileErrorCodes.KeyConflict, conflictsRejected) })
        {
            if (count > 0)
            {
                reasons[code] = reasons.GetValueOrDefault(code) + count;
            }
        }

        return reasons;
    }

    /// <summary>The sentence used when the reject threshold is exceeded (shared with the loader).</summary>
    public static string TooManyRejectsMessage(long rowsRejected, long rowsTotal, decimal maxRejectedRatio) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{rowsRejected} of {rowsTotal} rows rejected ({(rowsTotal == 0 ? 0 : (decimal)rowsRejected / rowsTotal):P2}), more than the allowed {maxRejectedRatio:P2} (maxRejectedRatio {maxRejectedRatio}: the contract's, unless overridden with txetl's --max-rejected-ratio); no row of the file is loaded. Fix the rejected rows, or raise the ratio in the contract or with --max-rejected-ratio.");
}
