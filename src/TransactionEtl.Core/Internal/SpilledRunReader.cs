using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Reads one run of <see cref="SpilledKeys"/>'s temp file record by record through a slice of a buffer the merge
/// shares out, so that the merge's memory is that one buffer however many runs it reads.
/// </summary>
/// <remarks>A record larger than the slice (a huge raw record) gets an array of its own, for this reader only.</remarks>
internal sealed class SpilledRunReader
{
    private readonly SafeFileHandle _file;
    private readonly long _end;
    private byte[] _buffer;
    private int _offset;
    private int _capacity;
    private int _at;
    private int _filled;
    private int _size;
    private long _next;

    public SpilledRunReader(SafeFileHandle file, long start, long end, ArraySegment<byte> buffer)
    {
        _file = file;
        _next = start;
        _end = end;
        _buffer = buffer.Array!;
        _offset = buffer.Offset;
        _capacity = buffer.Count;
    }

    /// <summary>The current record's key hash, the first order of a run.</summary>
    public ulong Hash { get; private set; }

    /// <summary>The current record's line, the second order of a run (file order within a hash).</summary>
    public long Line { get; private set; }

    /// <summary>The current record's bytes, as they are in the file (valid until the next <see cref="MoveNext"/>).</summary>
    public ReadOnlySpan<byte> Record => _buffer.AsSpan(_offset + _at, _size);

    public bool MoveNext()
    {
        _at += _size;
        _size = 0;
        if (!Ensure(SpilledKeys.HeaderBytes))
        {
            return false;
        }
        int size = SpilledKeys.RecordSize(_buffer.AsSpan(_offset + _at));
        if (!Ensure(size))
        {
            throw new InvalidDataException("the duplicate check's temp file ended inside a record");
        }
        _size = size;
        Hash = BinaryPrimitives.ReadUInt64LittleEndian(Record);
        Line = BinaryPrimitives.ReadInt64LittleEndian(Record[8..]);
        return true;
    }

    /// <summary>The current record's key, line and raw record (null: the row was rejected).</summary>
    public (string Key, long Line, string? Raw) Current()
    {
        var record = Record;
        int keyBytes = BinaryPrimitives.ReadInt32LittleEndian(record[16..]);
        int rawLength = BinaryPrimitives.ReadInt32LittleEndian(record[20..]);
        var keyData = record.Slice(SpilledKeys.HeaderBytes, keyBytes);
        string key = (record[24] & 2) == 0 ? Encoding.UTF8.GetString(keyData) : new string(MemoryMarshal.Cast<byte, char>(keyData));
        var rawBytes = record.Slice(SpilledKeys.HeaderBytes + keyBytes, Math.Max(rawLength, 0));
        string? raw = rawLength < 0 ? null
            : (record[24] & 1) == 0 ? Encoding.UTF8.GetString(rawBytes)
            : new string(MemoryMarshal.Cast<byte, char>(rawBytes));
        return (key, Line, raw);
    }

    /// <summary>True when <paramref name="count"/> bytes from the current record are in the buffer; false at the run's end.</summary>
    private bool Ensure(int count)
    {
        if (_filled - _at >= count)
        {
            return true;
        }
        if (_at > 0)
        {
            _buffer.AsSpan(_offset + _at, _filled - _at).CopyTo(_buffer.AsSpan(_offset));
            _filled -= _at;
            _at = 0;
        }
        if (count > _capacity)
        {
            // The shared slice is too small for this record: from now on this reader has its own array.
            var own = new byte[count];
            _buffer.AsSpan(_offset, _filled).CopyTo(own);
            _buffer = own;
            _offset = 0;
            _capacity = count;
        }
        while (_filled < count && _next < _end)
        {
            int want = (int)Math.Min(_capacity - _filled, _end - _next);
            int read = RandomAccess.Read(_file, _buffer.AsSpan(_offset + _filled, want), _next);
            if (read == 0)
            {
                break;
            }
            _filled += read;
            _next += read;
        }
        return _filled - _at >= count;
    }
}
