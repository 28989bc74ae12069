namespace TransactionEtl.Core.Internal;

/// <summary>
/// Records of a typed, non-CSV file (a workbook sheet, a Parquet file), one at a time, as cell values with the row
/// they came from. Values stay typed (double, DateTime, decimal, ...) until <see cref="CellText"/> renders them under
/// the contract's field, so that an Excel date becomes a date or a timestamp as the field wants.
/// </summary>
internal interface IRecordSource : IDisposable
{
    /// <summary>The column labels when the format names its columns itself (Parquet's schema); null when a row holds them (a sheet).</summary>
    IReadOnlyList<string>? Labels { get; }

    /// <summary>The current record's cell count.</summary>
    int Count { get; }

    /// <summary>The current record's line: the sheet's row number as Excel shows it, or the Parquet row's 1-based index in the file.</summary>
    long Line { get; }

    /// <summary>What was read, for the summary: the sheet, or the row groups with the rows each holds (so a line names its group).</summary>
    string Origin { get; }

    /// <summary>Moves to the next record; false at the end.</summary>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken);

    /// <summary>The typed value of cell <paramref name="column"/> of the current record; null for an empty cell.</summary>
    object? Value(int column);
}
