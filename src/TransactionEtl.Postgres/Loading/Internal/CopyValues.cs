using Npgsql;
using NpgsqlTypes;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>Writes a row's typed values to a binary COPY, unboxed and with explicit types.</summary>
internal static class CopyValues
{
    public static void Write(NpgsqlBinaryImporter importer, ColumnType[] types, ValidRow row)
    {
        for (var i = 0; i < types.Length; i++)
        {
            if (row.IsNull(i))
            {
                importer.WriteNull();
                continue;
            }

            // Typed writes: Npgsql then skips its per-value type resolution. Numbers and timestamps come unboxed.
            switch (types[i])
            {
                case ColumnType.Numeric: importer.Write(row.GetDecimal(i), NpgsqlDbType.Numeric); break;
                case ColumnType.Timestamp: importer.Write(row.GetDateTime(i), NpgsqlDbType.TimestampTz); break;
                default: WriteObject(importer, types[i], row.GetValue(i)!, i); break;
            }
        }
    }

    private static void WriteObject(NpgsqlBinaryImporter importer, ColumnType type, object value, int i)
    {
        switch (type)
        {
            case ColumnType.Text: importer.Write((string)value, NpgsqlDbType.Text); break;
            case ColumnType.Boolean: importer.Write((bool)value, NpgsqlDbType.Boolean); break;
            case ColumnType.BigInt: importer.Write((long)value, NpgsqlDbType.Bigint); break;
            case ColumnType.Date: importer.Write((DateOnly)value, NpgsqlDbType.Date); break;
            case ColumnType.Int4: importer.Write((int)value, NpgsqlDbType.Integer); break;
            case ColumnType.Time: importer.Write((TimeOnly)value, NpgsqlDbType.Time); break;
            case ColumnType.Interval: importer.Write(ToInterval((IsoDuration)value), NpgsqlDbType.Interval); break;
            case ColumnType.Uuid: importer.Write((Guid)value, NpgsqlDbType.Uuid); break;
            case ColumnType.Bytea: importer.Write((byte[])value, NpgsqlDbType.Bytea); break;
            case ColumnType.Jsonb: importer.Write((string)value, NpgsqlDbType.Jsonb); break;
            case ColumnType.Point: importer.Write(ToPoint((GeoPoint)value), NpgsqlDbType.Point); break;
            default: throw new InvalidOperationException($"Column {i} has unsupported type {type}.");
        }
    }

    // NpgsqlInterval keeps months, days and time apart, as interval does; a TimeSpan would fold them together.
    private static NpgsqlInterval ToInterval(IsoDuration d) => new(d.Months, d.Days, d.Microseconds);
    // x is the longitude, as in BinaryCopyWriter.
    private static NpgsqlPoint ToPoint(GeoPoint value) => new((double)value.Longitude, (double)value.Latitude);
}
