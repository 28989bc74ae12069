using Parquet;
using Parquet.Schema;

namespace TransactionEtl.Core.Samples;

/// <summary>
/// Writes rows of CSV cells with Parquet.Net's writer: a column whose every value is an exact decimal becomes
/// DECIMAL(18, its largest scale), one whose every value is a UTC timestamp becomes a UTC-adjusted microsecond
/// TIMESTAMP, any other a string column; an empty cell is null. Rows go in row groups of <c>rowGroupRows</c>.
/// </summary>
internal static class ParquetSampleWriter
{
    public static async Task WriteAsync(Stream output, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows,
        int rowGroupRows, CancellationToken cancellationToken)
    {
        var fields = new DataField[header.Count];
        for (int c = 0; c < header.Count; c++)
        {
            fields[c] = FieldFor(header[c], rows.Select(r => c < r.Count ? r[c] : "").Where(v => v.Length > 0).ToList());
        }
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, null, false, cancellationToken);
        for (int start = 0; start < rows.Count || start == 0; start += rowGroupRows)
        {
            var group = rows.Skip(start).Take(rowGroupRows).ToList();
            using var rowGroup = writer.CreateRowGroup();
            for (int c = 0; c < fields.Length; c++)
            {
                var cells = group.Select(r => c < r.Count && r[c].Length > 0 ? r[c] : null).ToArray();
                await WriteColumnAsync(rowGroup, fields[c], cells, cancellationToken);
            }
            if (rows.Count == 0)
            {
                break;
            }
        }
    }

    private static DataField FieldFor(string name, List<string> values)
    {
        if (values.Count > 0 && values.All(v => TypedCell.TryDecimal(v, out _)))
        {
            int scale = values.Max(v => v.Contains('.') ? v.Length - v.IndexOf('.') - 1 : 0);
            return new DecimalDataField(name, 18, scale, isNullable: true);
        }
        if (values.Count > 0 && values.All(v => TypedCell.TryTimestamp(v, out _)))
        {
            return new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
        }
        return new DataField<string>(name, true);
    }

    private static async Task WriteColumnAsync(ParquetRowGroupWriter rowGroup, DataField field, string?[] cells, CancellationToken ct)
    {
        switch (field)
        {
            case DecimalDataField:
                var decimals = cells.Select(v => v is null ? (decimal?)null : TypedCell.TryDecimal(v, out var m) ? m : null).ToArray();
                await rowGroup.WriteAsync<decimal>(field, decimals.AsMemory(), null, null, ct);
                break;
            case DateTimeDataField:
                var times = cells.Select(v => v is null ? (DateTime?)null : TypedCell.TryTimestamp(v, out var t) ? t : null).ToArray();
                await rowGroup.WriteAsync<DateTime>(field, times.AsMemory(), null, null, ct);
                break;
            default:
                await rowGroup.WriteAsync(field, cells, null);
                break;
        }
    }
}
