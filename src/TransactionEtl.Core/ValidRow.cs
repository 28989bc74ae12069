namespace TransactionEtl.Core;

/// <summary>
/// A row that passed every rule, typed and transformed. The engine reuses one instance for the whole file:
/// a sink must consume it before its <see cref="IRowSink.AcceptAsync"/> returns and must not keep it.
/// </summary>
public sealed class ValidRow
{
    /// <summary>Creates a row buffer for <paramref name="columnCount"/> output columns.</summary>
    public ValidRow(int columnCount) => Values = new object?[columnCount];

    /// <summary>The physical line (1-based) where the record starts.</summary>
    public long Line { get; set; }

    /// <summary>The record's text exactly as in the file (without its line break).</summary>
    public string RawRecord { get; set; } = "";

    /// <summary>The primary key value(s) as text, for duplicate detection.</summary>
    public string Key { get; set; } = "";

    /// <summary>The values, aligned with the contract's output columns.</summary>
    public object?[] Values { get; }
}
