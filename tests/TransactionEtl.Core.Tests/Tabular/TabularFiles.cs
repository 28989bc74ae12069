using System.Text;
using TransactionEtl.Core.Samples;

namespace TransactionEtl.Core.Tests.Tabular;

/// <summary>The same rows as CSV, .xlsx and .parquet bytes, made with the writers txetl ships.</summary>
internal static class TabularFiles
{
    // The engine reads these formats only once a host enables them (the CLI does; the AOT Lambda does not).
    static TabularFiles() => TabularReaders.Enable();

    public static byte[] Csv(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            sb.Append(string.Join(',', row.Select(Quote))).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] Xlsx(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var output = new MemoryStream();
        TabularSampleWriter.WriteXlsx(output, header, rows);
        return output.ToArray();
    }

    public static byte[] Xlsx(params (string Name, IEnumerable<IReadOnlyList<string>> Rows)[] sheets)
    {
        using var output = new MemoryStream();
        TabularSampleWriter.WriteXlsx(output, sheets);
        return output.ToArray();
    }

    public static byte[] Parquet(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, int rowGroupRows = 4)
    {
        using var output = new MemoryStream();
        TabularSampleWriter.WriteParquetAsync(output, header, rows, CancellationToken.None, rowGroupRows).GetAwaiter().GetResult();
        return output.ToArray();
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
