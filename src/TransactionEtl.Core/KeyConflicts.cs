namespace TransactionEtl.Core;

/// <summary>
/// Rows whose key an earlier file stored with other content, by what the contract's <c>onExistingKey</c> made of them.
/// Only the loader can tell; a dry run has none.
/// </summary>
/// <param name="Rejected">Rejected as <c>key-conflict</c> (counted in <c>rows_rejected</c> and against the threshold).</param>
/// <param name="Skipped">Not loaded, the stored row kept (<c>key-conflict-skipped</c>; not a reject).</param>
/// <param name="Updated">Loaded over the stored row, whose previous version went to the history table.</param>
public readonly record struct KeyConflicts(long Rejected, long Skipped, long Updated)
{
    /// <summary>Every conflict, whatever became of it: the summary's <c>rows_conflicting</c>.</summary>
    public long Total => Rejected + Skipped + Updated;
}
