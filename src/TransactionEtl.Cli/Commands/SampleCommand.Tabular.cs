using System.CommandLine;
using TransactionEtl.Core.Samples;

namespace TransactionEtl.Cli.Commands;

/// <summary>The typed forms of a sample: the generated CSV rows written as an .xlsx workbook or a Parquet file.</summary>
internal sealed partial class SampleCommand
{
    /// <summary>Generates the CSV in memory, then writes its cells typed: numbers and dates as such, the rest as text.</summary>
    private static async Task WriteTabularAsync(SampleGenerator generator, string format, Stream output, CancellationToken cancellationToken)
    {
        using var csv = new MemoryStream();
        await generator.WriteAsync(csv, cancellationToken);
        csv.Position = 0;
        List<string[]> rows;
        using (var text = new StreamReader(csv))
        {
            rows = await TabularSampleWriter.ReadCsvAsync(text, cancellationToken);
        }
        var header = rows[0];
        var data = rows.Skip(1).ToList<IReadOnlyList<string>>();
        if (format == "xlsx")
        {
            TabularSampleWriter.WriteXlsx(output, header, data);
        }
        else
        {
            await TabularSampleWriter.WriteParquetAsync(output, header, data, cancellationToken);
        }
    }
}
