namespace TransactionEtl.Core;

/// <summary>One column of the rows a contract produces, in the order of <see cref="ValidRow.Values"/>.</summary>
/// <param name="Name">The target column name (a plain identifier; the loader always quotes it).</param>
/// <param name="Type">The CLR/PostgreSQL shape of its values.</param>
/// <param name="Nullable">Whether a value may be null.</param>
public sealed record OutputColumn(string Name, ColumnType Type, bool Nullable)
{
    /// <summary>
    /// The field has the <c>unique</c> constraint: the engine checks it within a file; a table created from the
    /// contract gives the column a UNIQUE constraint so that PostgreSQL checks it across files.
    /// </summary>
    public bool Unique { get; init; }
}
