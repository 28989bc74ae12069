namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>
/// What must hold for every input whatever it is (corpus, generated or fuzzed): the documented codes only, a message
/// for every file-level error, the accounting invariant, reasons that add up, line numbers in file order.
/// Returns the broken rules (empty when all hold) so callers can report them all at once.
/// </summary>
internal static class Invariants
{
    public static readonly HashSet<string> FileCodes =
    [
        FileErrorCodes.EncodingError, FileErrorCodes.MissingLabel, FileErrorCodes.DuplicateLabel, FileErrorCodes.EmptyFile,
        FileErrorCodes.FormatError, FileErrorCodes.RecordTooLarge, FileErrorCodes.CompressionError, FileErrorCodes.DecompressionLimit,
    ];

    public static readonly HashSet<string> RowCodes =
    [
        FileErrorCodes.MissingCell, FileErrorCodes.ExtraCell, FileErrorCodes.TypeError, FileErrorCodes.ConstraintError,
        FileErrorCodes.PrimaryKey, FileErrorCodes.NoTaxRule,
    ];

    public static List<string> Check(FileResult result, OrderedSink sink, long? inputLength)
    {
        var broken = new List<string>();
        void Require(bool ok, string rule)
        {
            if (!ok)
            {
                broken.Add(rule);
            }
        }
        Require(result.RowsTotal == result.RowsValid + result.RowsRejected,
            $"rows_total {result.RowsTotal} != valid {result.RowsValid} + rejected {result.RowsRejected}");
        Require(sink.ValidCount == result.RowsValid, $"sink got {sink.ValidCount} valid rows, result says {result.RowsValid}");
        Require(sink.Rejected.Count == result.RowsRejected, $"sink got {sink.Rejected.Count} rejected rows, result says {result.RowsRejected}");
        Require(result.ErrorCode is null || FileCodes.Contains(result.ErrorCode), $"undocumented file code {result.ErrorCode}");
        Require((result.ErrorCode is null) == (result.ErrorMessage is null) && result.ErrorMessage is not "",
            "a file-level code comes with a message and only then");
        Require(sink.Rejected.All(r => r.Errors.Count > 0), "a rejected row without errors");
        var codes = sink.Rejected.SelectMany(r => r.Errors).Select(e => e.Code).ToList();
        Require(codes.All(RowCodes.Contains), $"undocumented row code(s) {string.Join(", ", codes.Where(c => !RowCodes.Contains(c)).Distinct())}");
        var counted = codes.GroupBy(c => c).ToDictionary(g => g.Key, g => (long)g.Count());
        Require(counted.Count == result.RejectReasons.Count && counted.All(kv => result.RejectReasons.GetValueOrDefault(kv.Key) == kv.Value),
            "reject_reasons do not add up to the rejected rows' errors");
        Require(sink.Lines.Zip(sink.Lines.Skip(1)).All(p => p.First < p.Second) && sink.Lines.All(l => l >= 1),
            "line numbers are not strictly increasing from 1");
        Require(sink.Rejected.All(r => r.Errors.All(e => !string.IsNullOrWhiteSpace(e.Message))), "a row error without a message");
        if (inputLength is { } length)
        {
            Require(result.Bytes == length, $"bytes {result.Bytes} != input length {length}");
        }
        var summary = FileSummary.ForDryRun("input.csv", result);
        Require(summary.RowsTotal == summary.RowsLoaded + summary.RowsRejected + summary.RowsDuplicate || summary.Status == FileStatus.Rejected,
            "summary: rows_total != loaded + rejected + duplicate for a file that is not rejected");
        Require(summary.Status != FileStatus.Rejected || summary.RowsLoaded == 0, "summary: a rejected file reports loaded rows");
        return broken;
    }
}
