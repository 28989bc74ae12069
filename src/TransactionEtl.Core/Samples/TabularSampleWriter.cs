namespace TransactionEtl.Core.Samples;

/// <summary>
/// Turns CSV rows into the typed files txetl also reads: an .xlsx workbook (a small hand-written OOXML writer)
/// or a Parquet file (Parquet.Net's writer). A cell becomes a number, decimal or date only when txetl reads it
/// back as the same text, so the CSV, .xlsx and .parquet forms of a file load identically. The rows are held in
/// memory: this is for samples and tests, not for converting large files.
/// </summary>
public static class TabularSampleWriter
{
    /// <summary>Rows per Parquet row group unless a caller asks for another size.</summary>
    public const int DefaultRowGroupRows = 50_000;

    /// <summary>Writes the header and rows as one sheet named <paramref name="sheetName"/> of an .xlsx workbook.</summary>
    public static void WriteXlsx(Stream output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string sheetName = "transactions")
    {
        ArgumentNullException.ThrowIfNull(output);
        XlsxWriter.Write(output, [(sheetName, rows.Prepend(header))]);
    }

    /// <summary>Writes several sheets, each its rows exactly as given (a header row is just a row here).</summary>
    public static void WriteXlsx(Stream output, IReadOnlyList<(string Name, IEnumerable<IReadOnlyList<string>> Rows)> sheets)
    {
        ArgumentNullException.ThrowIfNull(output);
        XlsxWriter.Write(output, sheets);
    }

    /// <summary>Writes the rows as a Parquet file whose column names are <paramref name="header"/>.</summary>
    public static Task WriteParquetAsync(Stream output, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows,
        CancellationToken cancellationToken, int rowGroupRows = DefaultRowGroupRows)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupRows, 1);
        return ParquetSampleWriter.WriteAsync(output, header, rows, rowGroupRows, cancellationToken);
    }

    /// <summary>Reads a CSV file's records (RFC 4180, comma) as cells: the input of the writers above.</summary>
    public static async Task<List<string[]>> ReadCsvAsync(TextReader csv, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var rows = new List<string[]>();
        await using var reader = await Sylvan.Data.Csv.CsvDataReader.CreateAsync(csv,
            new Sylvan.Data.Csv.CsvDataReaderOptions { HasHeaders = false, OwnsReader = false }, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new string[reader.RowFieldCount];
            for (int c = 0; c < row.Length; c++)
            {
                row[c] = reader.GetString(c);
            }
            rows.Add(row);
        }
        return rows;
    }
}
