using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TransactionEtl.Core;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Writes rows in PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary
/// Format") into a byte buffer and hands full buffers to a raw COPY stream.
/// </summary>
/// <remarks>
/// <para>Why binary: the server spent 10-20 % less on a binary row than on the same row as text: no delimiter
/// scanning or escapes, and no <c>numeric_in</c> or <c>timestamptz_in</c> parsing (docs/performance.md).</para>
/// <para>Why by hand: Npgsql's <c>NpgsqlBinaryImporter</c> resolves, binds and writes every value through a
/// parameter object, which cost about 5 us per 16-column row, twice the engine's own time per row. Each value goes
/// out in the binary form of the PostgreSQL type its <see cref="ColumnType"/> maps to, so the target column must
/// have that type; the tests check every form against what the server stores and Npgsql reads back.</para>
/// </remarks>
internal sealed partial class BinaryCopyWriter
{
    private const int FieldLength = sizeof(int);
    private const long PostgresEpochMicroseconds = 63_082_281_600_000_000; // 2000-01-01T00:00:00Z in .NET ticks / 10
    private const int NoVersion = -1;
    private const byte JsonbVersion = 1; // jsonb's binary form is a version byte, 1, before the JSON text
    private static readonly int PostgresEpochDay = new DateOnly(2000, 1, 1).DayNumber;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The chunk size when the caller names none.</summary>
    public const int DefaultChunkBytes = 1 << 16;

    // Room for the format's header, a row's field count and every fixed-size field; wider values go out in pieces.
    private const int MinimumChunkBytes = 256;

    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _position;

    /// <summary>Starts the COPY data with the format's header; hands the stream 64 KiB at a time.</summary>
    public BinaryCopyWriter(Stream stream)
        : this(stream, DefaultChunkBytes)
    {
    }

    /// <summary>
    /// Starts the COPY data with the format's header; hands the stream full chunks of <paramref name="chunkBytes"/>
    /// (see <see cref="DirectCopyPath"/> for the size that suits Npgsql's write buffer).
    /// </summary>
    public BinaryCopyWriter(Stream stream, int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, MinimumChunkBytes);
        _stream = stream;
        _buffer = new byte[chunkBytes];
        // Signature "PGCOPY\n\377\r\n\0", then the flags field and the header extension length, both zero.
        ReadOnlySpan<byte> header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
        header.CopyTo(_buffer);
        _position = header.Length;
    }

    public void WriteRow(ColumnType[] types, object?[] values, long fileId, long line)
    {
        StartRow(types.Length);
        for (var i = 0; i < types.Length; i++)
        {
            WriteValue(types[i], values[i], i);
        }

        WriteBigInt(fileId);
        WriteBigInt(line);
    }

    /// <summary>
    /// A valid row: numbers and timestamps straight from the row's unboxed values, kept text straight from its
    /// characters, the rest as objects. The row's arrays are read once per row (<see cref="ValidRow.GetCells"/>).
    /// </summary>
    public void WriteRow(ColumnType[] types, ValidRow row, long fileId, long line)
    {
        StartRow(types.Length);
        if (_numericMemos.Length != types.Length)
        {
            StartNumericMemos(types);
        }

        var memos = _numericMemos;
        var cells = row.GetCells();
        var kinds = cells.Kinds[..types.Length];
        for (var i = 0; i < kinds.Length; i++)
        {
            var type = types[i];
            switch (kinds[i])
            {
                case ValidRow.Text: WriteKeptText(cells.Texts[i]!, cells.TextLengths[i]); break;
                case ValidRow.Number when type == ColumnType.Numeric && memos[i] is { } memo: WriteNumeric(memo, in cells.Numbers[i], i); break;
                case ValidRow.Number when type == ColumnType.Numeric: WriteNumeric(cells.Numbers[i]); break;
                case ValidRow.Timestamp when type == ColumnType.Timestamp: WriteTimestamp(cells.Timestamps[i]); break;
                case ValidRow.Reference: WriteReference(type, cells.References[i], i); break;
                // A number or timestamp in a column of another type: WriteValue's cast fails as it always has.
                default: WriteValue(type, row.GetValue(i), i); break;
            }
        }

        EndRow(fileId, line);
    }

    /// <summary>
    /// A value the row holds as an object. Strings of the memo or the contract (category, currency, ...) come back as
    /// the same object on many rows and are written from their kept field; the rest go through WriteValue's switch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one call a column fewer: most of a row's values come this way
    private void WriteReference(ColumnType type, object? value, int column)
    {
        if (type == ColumnType.Text && value is string text)
        {
            WriteRepeatedText(text);
        }
        else if (value is null)
        {
            // An empty optional cell (a region, a merchant) without WriteValue's call and type switch.
            WriteNull();
        }
        else if (type == ColumnType.Boolean && value is bool flag)
        {
            WriteBoolean(flag);
        }
        else
        {
            WriteValue(type, value, column);
        }
    }

    // file_id and source_line, the two bigint fields after the contract's columns, with one check for room.
    private void EndRow(long fileId, long line)
    {
        const int BigIntField = FieldLength + sizeof(long);
        ref byte fields = ref Room(2 * BigIntField);
        WriteBigEndian(ref fields, sizeof(long));
        WriteBigEndian(ref Unsafe.Add(ref fields, FieldLength), fileId);
        WriteBigEndian(ref Unsafe.Add(ref fields, BigIntField), sizeof(long));
        WriteBigEndian(ref Unsafe.Add(ref fields, BigIntField + FieldLength), line);
        _position += 2 * BigIntField;
    }

    private void StartRow(int columns)
    {
        short fields = checked((short)(columns + 2));
        Unsafe.WriteUnaligned(ref Room(sizeof(short)), BinaryPrimitives.ReverseEndianness(fields));
        _position += sizeof(short);
    }

    private void WriteValue(ColumnType type, object? value, int column)
    {
        if (value is null)
        {
            WriteNull();
            return;
        }

        switch (type)
        {
            case ColumnType.Text: WriteText((string)value); break;
            case ColumnType.Numeric: WriteNumeric((decimal)value); break;
            case ColumnType.Timestamp: WriteTimestamp((DateTime)value); break;
            case ColumnType.Boolean: WriteBoolean((bool)value); break;
            case ColumnType.BigInt: WriteBigInt((long)value); break;
            case ColumnType.Date: WriteDate((DateOnly)value); break;
            case ColumnType.Int4: BinaryPrimitives.WriteInt32BigEndian(Field(sizeof(int)), (int)value); break;
            case ColumnType.Time: WriteTime((TimeOnly)value); break;
            case ColumnType.Interval: WriteInterval((IsoDuration)value); break;
            case ColumnType.Uuid: WriteUuid((Guid)value); break;
            case ColumnType.Bytea: WriteBytes((byte[])value); break;
            case ColumnType.Jsonb: WriteJson((string)value); break;
            case ColumnType.Point: WritePoint((GeoPoint)value); break;
            default: throw new InvalidOperationException($"Column {column} has unsupported type {type}.");
        }
    }

    /// <summary>Ends the data with the format's trailer and sends everything buffered; the caller then ends the COPY.</summary>
    public void Complete()
    {
        Reserve(sizeof(short));
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_position), -1);
        _position += sizeof(short);
        Flush();
    }

    private void Flush()
    {
        _stream.Write(_buffer, 0, _position);
        _position = 0;
    }

    private void Reserve(int bytes)
    {
        if (_buffer.Length - _position < bytes)
        {
            Flush();
        }
    }

    private void WriteNull()
    {
        WriteBigEndian(ref Room(FieldLength), -1);
        _position += FieldLength;
    }

    private static void WriteBigEndian(ref byte target, int value) =>
        Unsafe.WriteUnaligned(ref target, BinaryPrimitives.ReverseEndianness(value));

    private static void WriteBigEndian(ref byte target, long value) =>
        Unsafe.WriteUnaligned(ref target, BinaryPrimitives.ReverseEndianness(value));

    /// <summary>
    /// Makes room for <paramref name="bytes"/> (at most the buffer's size) and returns the buffer's byte at the position,
    /// without the bounds checks of a span: the fields that write through it are of a known, small size.
    /// </summary>
    private ref byte Room(int bytes)
    {
        Reserve(bytes);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _position);
    }

    /// <summary>Adds a field of <paramref name="length"/> bytes: writes its length and returns the span for its value.</summary>
    private Span<byte> Field(int length)
    {
        Reserve(FieldLength + length);
        var field = _buffer.AsSpan(_position, FieldLength + length);
        BinaryPrimitives.WriteInt32BigEndian(field, length);
        _position += FieldLength + length;
        return field[FieldLength..];
    }

    private void WriteBoolean(bool value)
    {
        ref byte field = ref Room(FieldLength + 1);
        WriteBigEndian(ref field, 1);
        Unsafe.Add(ref field, FieldLength) = value ? (byte)1 : (byte)0;
        _position += FieldLength + 1;
    }

    private void WriteBigInt(long value)
    {
        ref byte field = ref Room(FieldLength + sizeof(long));
        WriteBigEndian(ref field, sizeof(long));
        WriteBigEndian(ref Unsafe.Add(ref field, FieldLength), value);
        _position += FieldLength + sizeof(long);
    }

    // timestamptz: microseconds since 2000-01-01 UTC; MinValue and MaxValue are -infinity and infinity (as in
    // Npgsql). Ticks are floored to whole microseconds (PostgreSQL keeps no finer).
    private void WriteTimestamp(DateTime value)
    {
        long microseconds = value == DateTime.MinValue ? long.MinValue
            : value == DateTime.MaxValue ? long.MaxValue
            : value.Kind == DateTimeKind.Utc ? value.Ticks / 10 - PostgresEpochMicroseconds
            : throw new InvalidOperationException($"A timestamptz value must be UTC; got Kind={value.Kind}.");
        WriteBigInt(microseconds);
    }

    // date: days since 2000-01-01; MinValue and MaxValue are -infinity and infinity (as in Npgsql).
    private void WriteDate(DateOnly value)
    {
        int days = value == DateOnly.MinValue ? int.MinValue
            : value == DateOnly.MaxValue ? int.MaxValue
            : value.DayNumber - PostgresEpochDay;
        BinaryPrimitives.WriteInt32BigEndian(Field(sizeof(int)), days);
    }

    // time: microseconds since midnight (int8); ticks are floored to whole microseconds as for timestamptz.
    private void WriteTime(TimeOnly value) => BinaryPrimitives.WriteInt64BigEndian(Field(sizeof(long)), value.Ticks / 10);

    // interval: microseconds (int8), then days (int4), then months (int4), as interval_send writes them.
    private void WriteInterval(IsoDuration value)
    {
        var span = Field(sizeof(long) + (2 * sizeof(int)));
        BinaryPrimitives.WriteInt64BigEndian(span, value.Microseconds);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], value.Days);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], value.Months);
    }

    /// <summary>text: the UTF-8 bytes.</summary>
    private void WriteText(string value) => WriteText(value.AsSpan());

    private void WriteText(ReadOnlySpan<char> value)
    {
        // At most three bytes per UTF-16 unit (a surrogate pair is two units and four bytes).
        if (value.Length > (_buffer.Length - FieldLength) / 3)
        {
            WriteLongText(value, NoVersion);
            return;
        }

        Reserve(FieldLength + 3 * value.Length);
        var destination = _buffer.AsSpan(_position + FieldLength);
        int written = AsciiText.TryNarrow(value, destination) ? value.Length : Utf8.GetBytes(value, destination);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_position), written);
        _position += FieldLength + written;
    }

    /// <summary>jsonb: a version byte (1) before the JSON text's UTF-8 bytes.</summary>
    private void WriteJson(string value)
    {
        if (value.Length > (_buffer.Length - FieldLength - 1) / 3)
        {
            WriteLongText(value, JsonbVersion);
            return;
        }

        Reserve(FieldLength + 1 + 3 * value.Length);
        _buffer[_position + FieldLength] = JsonbVersion;
        int written = Utf8.GetBytes(value, _buffer.AsSpan(_position + FieldLength + 1));
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_position), written + 1);
        _position += FieldLength + 1 + written;
    }

    private void WriteLongText(ReadOnlySpan<char> value, int version)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Utf8.GetByteCount(value) + 1);
        try
        {
            int prefix = version == NoVersion ? 0 : 1;
            if (prefix == 1)
            {
                bytes[0] = (byte)version;
            }

            int length = prefix + Utf8.GetBytes(value, bytes.AsSpan(prefix));
            WriteLong(bytes.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>A field too long for the buffer: its length into the buffer, then the bytes straight to the stream.</summary>
    private void WriteLong(ReadOnlySpan<byte> bytes)
    {
        Reserve(FieldLength);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_position), bytes.Length);
        _position += FieldLength;
        Flush();
        _stream.Write(bytes);
    }

    // uuid: the 16 bytes in RFC 4122 (big-endian) order.
    private void WriteUuid(Guid value) => value.TryWriteBytes(Field(16), bigEndian: true, out _);

    // bytea: the bytes as they are.
    private void WriteBytes(byte[] value)
    {
        if (value.Length > _buffer.Length - FieldLength)
        {
            WriteLong(value);
            return;
        }

        value.CopyTo(Field(value.Length));
    }

    // point: x then y as float8 (PostgreSQL keeps a point as two doubles); x is the longitude.
    private void WritePoint(GeoPoint value)
    {
        var field = Field(2 * sizeof(double));
        BinaryPrimitives.WriteDoubleBigEndian(field, (double)value.Longitude);
        BinaryPrimitives.WriteDoubleBigEndian(field[sizeof(double)..], (double)value.Latitude);
    }
}
