namespace TransactionEtl.Aws.Observability;

/// <summary>The numbers recorded for one processed file (one EMF line per file, never per row).</summary>
/// <param name="RowsTotal">Data rows in the file, blank lines excluded.</param>
/// <param name="RowsLoaded">Rows inserted.</param>
/// <param name="RowsRejected">Rows that broke a rule.</param>
/// <param name="RowsDuplicate">Rows whose transaction_id was loaded by an earlier file.</param>
/// <param name="RowsConflicting">
/// Rows whose transaction_id was stored by an earlier file with other values (rejected as <c>key-conflict</c>, updated or
/// skipped, as the contract's onExistingKey says).
/// </param>
/// <param name="RowsUpdated">Conflicting rows that replaced the stored row (onExistingKey: update); part of RowsLoaded.</param>
/// <param name="Bytes">Size of the object read.</param>
/// <param name="DurationMs">Wall time of the load.</param>
/// <param name="Status">The summary status; written as a property, not a dimension.</param>
/// <param name="FileId">The ledger's file id; a property (searchable in Logs Insights), never a dimension.</param>
internal sealed record FileMetrics(
    long RowsTotal, long RowsLoaded, long RowsRejected, long RowsDuplicate, long RowsConflicting, long RowsUpdated,
    long Bytes, long DurationMs, string Status, long? FileId);
