using Parquet;
using Parquet.Schema;
using ParquetDateFormat = Parquet.Schema.DateTimeFormat;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// One column of a row group as cell values. Timestamps are rendered here, where the column's unit and UTC
/// adjustment are known: a UTC-adjusted one ends in Z, a local one has no offset, and the fraction keeps the
/// digits of its unit (milliseconds 3, microseconds 6; nanoseconds reach .NET as 100 ns ticks, 7 digits).
/// </summary>
internal static class ParquetColumns
{
    public static async Task<object?[]> ReadAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        var type = field.ClrType;
        return type switch
        {
            // Parquet.Net 6 types a UTF-8 column as ReadOnlyMemory<char>; its string overload reads it as strings.
            _ when type == typeof(string) || type == typeof(ReadOnlyMemory<char>) => await StringsAsync(group, field, rows, ct),
            _ when type == typeof(decimal) => await ValuesAsync<decimal>(group, field, rows, ct),
            _ when type == typeof(double) => await ValuesAsync<double>(group, field, rows, ct),
            _ when type == typeof(float) => await ValuesAsync<float>(group, field, rows, ct),
            _ when type == typeof(long) => await ValuesAsync<long>(group, field, rows, ct),
            _ when type == typeof(int) => await ValuesAsync<int>(group, field, rows, ct),
            _ when type == typeof(short) => await ValuesAsync<short>(group, field, rows, ct),
            _ when type == typeof(sbyte) => await ValuesAsync<sbyte>(group, field, rows, ct),
            _ when type == typeof(byte) => await ValuesAsync<byte>(group, field, rows, ct),
            _ when type == typeof(ushort) => await ValuesAsync<ushort>(group, field, rows, ct),
            _ when type == typeof(uint) => await ValuesAsync<uint>(group, field, rows, ct),
            _ when type == typeof(ulong) => await ValuesAsync<ulong>(group, field, rows, ct),
            _ when type == typeof(bool) => await ValuesAsync<bool>(group, field, rows, ct),
            _ when type == typeof(DateOnly) => await ValuesAsync<DateOnly>(group, field, rows, ct),
            _ when type == typeof(TimeOnly) => await ValuesAsync<TimeOnly>(group, field, rows, ct),
            _ when type == typeof(TimeSpan) => await ValuesAsync<TimeSpan>(group, field, rows, ct),
            _ when type == typeof(Guid) => await ValuesAsync<Guid>(group, field, rows, ct),
            _ when type == typeof(DateTime) => Timestamps(await ValuesAsync<DateTime>(group, field, rows, ct), field),
            _ => throw new TabularFormatException(
                $"the Parquet column '{field.Name}' holds {type.Name} values, which txetl cannot read; store it as a string, number, decimal, boolean, date or timestamp"),
        };
    }

    private static async Task<object?[]> ValuesAsync<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
        where T : struct
    {
        var cells = new object?[rows];
        if (field.IsNullable)
        {
            var values = new T?[rows];
            await group.ReadAsync<T>(field, values.AsMemory(), null, ct);
            for (int i = 0; i < rows; i++)
            {
                cells[i] = values[i];
            }
        }
        else
        {
            var values = new T[rows];
            await group.ReadAsync<T>(field, values.AsMemory(), null, ct);
            for (int i = 0; i < rows; i++)
            {
                cells[i] = values[i];
            }
        }
        return cells;
    }

    private static async Task<object?[]> StringsAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        var values = new string?[rows];
        await group.ReadAsync(field, values.AsMemory(), null, ct);
        return values;
    }

    private static object?[] Timestamps(object?[] cells, DataField field)
    {
        var (digits, utc) = field is DateTimeDataField dt
            ? (dt.Unit switch
            {
                DateTimeTimeUnit.Millis => 3,
                DateTimeTimeUnit.Micros => 6,
                DateTimeTimeUnit.Nanos => 7,
                _ => dt.DateTimeFormat == ParquetDateFormat.DateAndTime ? 3 : dt.DateTimeFormat == ParquetDateFormat.DateAndTimeMicros ? 6 : 7,
            }, dt.IsAdjustedToUTC)
            // Legacy INT96 (Impala/Spark) timestamps are UTC by convention and carry nanoseconds.
            : (7, true);
        for (int i = 0; i < cells.Length; i++)
        {
            if (cells[i] is DateTime t)
            {
                cells[i] = CellText.Timestamp(t, digits, utc);
            }
        }
        return cells;
    }
}
