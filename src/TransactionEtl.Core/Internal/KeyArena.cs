namespace TransactionEtl.Core.Internal;

/// <summary>
/// Append-only storage of <see cref="InFileKeys"/>' keys: per key a record of its first line and its UTF-8 bytes
/// (both lengths as base-128 varints), aligned to 4 bytes and addressed by a 32-bit position in 4-byte units.
/// </summary>
/// <remarks>
/// Records live in 1 MiB chunks, so growing never copies what is stored and no single array reaches the large-object
/// heap's worst case; a record larger than a chunk (a key of ~1 MiB, possible under the record limit) gets a chunk of
/// its own. 32-bit positions reach 16 GiB of records, far beyond what fits in memory on the machines txetl runs on.
/// The records can be walked in order (<see cref="Visit"/>), so that <see cref="InFileKeys"/>' table need not keep
/// what it can hash again.
/// </remarks>
internal sealed class KeyArena
{
    /// <summary>Receives each record's position and key bytes, in the order they were stored.</summary>
    public delegate void RecordVisitor(uint position, ReadOnlySpan<byte> key);

    private const int UnitShift = 2;
    private const int ChunkUnitBits = 18;
    private const int ChunkBytes = 1 << (ChunkUnitBits + UnitShift);
    private const int MaxChunks = (int)(uint.MaxValue >> ChunkUnitBits);

    private readonly List<byte[]> _chunks = [];
    // The bytes in use of each chunk (the last one's grows), so that a walk stops where the records do.
    private readonly List<int> _usedBytes = [];
    private int _used = ChunkBytes;

    /// <summary>The bytes of all records, in the 4-byte units that positions count.</summary>
    public long Units => (((long)_chunks.Count - 1) << ChunkUnitBits) + (_used >> UnitShift);

    /// <summary>Stores a record and returns its position.</summary>
    public uint Append(ReadOnlySpan<byte> key, long line)
    {
        int size = Align(VarintLength((ulong)line) + VarintLength((ulong)key.Length) + key.Length);
        if (_used + size > ChunkBytes)
        {
            if (_chunks.Count >= MaxChunks)
            {
                throw new InvalidOperationException("the in-file duplicate check holds the most key bytes it can (16 GiB); use --no-duplicate-check");
            }
            _chunks.Add(new byte[Math.Max(size, ChunkBytes)]);
            _usedBytes.Add(0);
            _used = 0;
        }
        var chunk = _chunks[^1];
        int at = _used;
        int offset = WriteVarint(chunk, at, (ulong)line);
        offset = WriteVarint(chunk, offset, (ulong)key.Length);
        key.CopyTo(chunk.AsSpan(offset));
        // An oversized record fills its chunk, so the next record starts a new one.
        _used = size > ChunkBytes ? ChunkBytes : at + size;
        _usedBytes[^1] = Math.Min(at + size, chunk.Length);
        return ((uint)(_chunks.Count - 1) << ChunkUnitBits) | (uint)(at >> UnitShift);
    }

    /// <summary>True, with the record's line, when the record at <paramref name="position"/> holds exactly <paramref name="key"/>.</summary>
    public bool Matches(uint position, ReadOnlySpan<byte> key, out long line)
    {
        var chunk = _chunks[(int)(position >> ChunkUnitBits)];
        int offset = (int)(position & ((1u << ChunkUnitBits) - 1)) << UnitShift;
        offset = ReadVarint(chunk, offset, out ulong storedLine);
        offset = ReadVarint(chunk, offset, out ulong length);
        line = (long)storedLine;
        return (ulong)key.Length == length && key.SequenceEqual(chunk.AsSpan(offset, key.Length));
    }

    /// <summary>Calls <paramref name="visitor"/> for every record, in the order they were stored.</summary>
    public void Visit(RecordVisitor visitor)
    {
        for (int c = 0; c < _chunks.Count; c++)
        {
            var chunk = _chunks[c];
            int used = _usedBytes[c];
            int at = 0;
            while (at < used)
            {
                int offset = ReadVarint(chunk, at, out _);
                offset = ReadVarint(chunk, offset, out ulong length);
                visitor(((uint)c << ChunkUnitBits) | (uint)(at >> UnitShift), chunk.AsSpan(offset, (int)length));
                at += Align(offset - at + (int)length);
            }
        }
    }

    private static int Align(int size) => (size + (1 << UnitShift) - 1) & ~((1 << UnitShift) - 1);

    private static int VarintLength(ulong value)
    {
        int length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    private static int WriteVarint(byte[] buffer, int offset, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[offset++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[offset++] = (byte)value;
        return offset;
    }

    private static int ReadVarint(byte[] buffer, int offset, out ulong value)
    {
        value = 0;
        int shift = 0;
        byte b;
        do
        {
            b = buffer[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return offset;
    }
}
