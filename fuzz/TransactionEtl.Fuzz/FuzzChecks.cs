using TransactionEtl.Core;

/// <summary>The invariants of the in-run property test (tests/.../Hostile/Invariants.cs), for the out-of-process fuzzer.</summary>
internal static class FuzzChecks
{
    private static readonly HashSet<string> FileCodes =
    [
        FileErrorCodes.EncodingError, FileErrorCodes.MissingLabel, FileErrorCodes.DuplicateLabel, FileErrorCodes.EmptyFile,
        FileErrorCodes.FormatError, FileErrorCodes.RecordTooLarge,
    ];

    private static readonly HashSet<string> RowCodes =
    [
        FileErrorCodes.MissingCell, FileErrorCodes.ExtraCell, FileErrorCodes.TypeError, FileErrorCodes.ConstraintError,
        FileErrorCodes.PrimaryKey, FileErrorCodes.NoTaxRule,
    ];

    public static void Verify(FileResult result, CountingSink sink, long inputLength)
    {
        Require(result.RowsTotal == result.RowsValid + result.RowsRejected, "rows_total != valid + rejected");
        Require(sink.Valid == result.RowsValid && sink.Rejected == result.RowsRejected, "sink counts differ from the result");
        Require(result.ErrorCode is null || FileCodes.Contains(result.ErrorCode), $"undocumented file code {result.ErrorCode}");
        Require((result.ErrorCode is null) == string.IsNullOrEmpty(result.ErrorMessage), "file code without message or message without code");
        Require(sink.Codes.Keys.All(RowCodes.Contains), "undocumented row code");
        Require(sink.Codes.Count == result.RejectReasons.Count && sink.Codes.All(kv => result.RejectReasons.GetValueOrDefault(kv.Key) == kv.Value),
            "reject_reasons do not add up");
        Require(result.Bytes == inputLength, "byte count differs from the input length");
    }

    private static void Require(bool ok, string rule)
    {
        if (!ok)
        {
            throw new InvariantBrokenException(rule);
        }
    }
}
