namespace TransactionEtl.Core;

/// <summary>
/// Codes of file-level errors (<see cref="FileResult.ErrorCode"/>) and row-level errors (<see cref="CellError.Code"/>).
/// They follow the Frictionless validation-report codes where one exists.
/// </summary>
public static class FileErrorCodes
{
    /// <summary>File: bytes that are not valid in the contract's encoding (UTF-8 by default).</summary>
    public const string EncodingError = "encoding-error";

    /// <summary>File: a required column is missing from the header.</summary>
    public const string MissingLabel = "missing-label";

    /// <summary>File: a column is named twice (also via aliases).</summary>
    public const string DuplicateLabel = "duplicate-label";

    /// <summary>File: no header row (no bytes, or only blank lines).</summary>
    public const string EmptyFile = "empty-file";

    /// <summary>File: the CSV structure is broken (e.g. an unterminated quote, text after a closing quote).</summary>
    public const string FormatError = "format-error";

    /// <summary>File: one record is larger than the configured limits (characters, or fields per record).</summary>
    public const string RecordTooLarge = "record-too-large";

    /// <summary>
    /// File: compressed input decompresses to more bytes, or at a higher ratio to its stored size, than the limits allow
    /// (a decompression bomb, or a genuine file above them); read no further.
    /// </summary>
    public const string DecompressionLimit = "decompression-limit";

    /// <summary>File: compressed input (gzip, zstd, bzip2) whose compressed data is corrupt or truncated.</summary>
    public const string CompressionError = "compression-error";

    /// <summary>File: more rows rejected than the contract's <c>maxRejectedRatio</c> allows.</summary>
    public const string TooManyRejects = "too-many-rejects";

    /// <summary>Row: the row has fewer cells than the header.</summary>
    public const string MissingCell = "missing-cell";

    /// <summary>Row: the row has more cells than the header.</summary>
    public const string ExtraCell = "extra-cell";

    /// <summary>Row: a value cannot be read as its type (number, date/time, boolean).</summary>
    public const string TypeError = "type-error";

    /// <summary>Row: a value breaks a constraint (required, pattern, enum, length, range, reference list, scale).</summary>
    public const string ConstraintError = "constraint-error";

    /// <summary>Row: the primary key repeats a row earlier in the file.</summary>
    public const string PrimaryKey = "primary-key";

    /// <summary>Row: no tax rule matches the row's country, region, category and date.</summary>
    public const string NoTaxRule = "no-tax-rule";

    /// <summary>Row: the primary key was loaded from an earlier file (set by the loader, not the engine).</summary>
    public const string DuplicateExisting = "duplicate-existing";

    /// <summary>
    /// Row: the primary key was loaded from an earlier file with other content, and the contract's <c>onExistingKey</c> is
    /// <c>reject</c> (the default); the message names the differing columns and the stored row's file (set by the loader).
    /// </summary>
    public const string KeyConflict = "key-conflict";

    /// <summary>
    /// Row: as <see cref="KeyConflict"/>, but the contract says <c>onExistingKey: skip</c>: the row is kept in the rejected
    /// rows for the record, not loaded, and counted only in <c>rows_conflicting</c> (not a reject).
    /// </summary>
    public const string KeyConflictSkipped = "key-conflict-skipped";

    /// <summary>Row: a field with the <c>unique</c> constraint repeats the value of a row kept earlier in the file (frictionless-py's code).</summary>
    public const string UniqueError = "unique-error";

    /// <summary>
    /// File: no contract is mapped to the file's key or name (<see cref="ContractMap"/>); the file is rejected unread
    /// rather than loaded with a contract meant for another feed.
    /// </summary>
    public const string NoContract = "no-contract";
}
