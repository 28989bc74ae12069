namespace TransactionEtl.Core;

/// <summary>A row that broke at least one rule, with its raw text and every reason.</summary>
/// <param name="Line">The physical line (1-based) where the record starts.</param>
/// <param name="RawRecord">The record's text exactly as in the file (without its line break).</param>
/// <param name="Errors">Every error found in the row, not only the first.</param>
public sealed record RejectedRow(long Line, string RawRecord, IReadOnlyList<CellError> Errors);
