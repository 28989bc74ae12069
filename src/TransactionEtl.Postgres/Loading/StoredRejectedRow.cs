using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading;

/// <summary>A rejected row as stored in <c>txetl.rejected_rows</c>.</summary>
/// <param name="FileId">The ledger id of its file.</param>
/// <param name="Line">The physical line where the record starts.</param>
/// <param name="RawRecord">The record's text exactly as in the file.</param>
/// <param name="Errors">Every reason, including <c>duplicate-existing</c>.</param>
public sealed record StoredRejectedRow(long FileId, long Line, string RawRecord, IReadOnlyList<CellError> Errors);
