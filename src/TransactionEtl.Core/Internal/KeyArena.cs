namespace TransactionEtl.Core.Internal;

/// <summary>
/// Append-only storage of <see cref="InFileKeys"/>' keys: per key a record of its first line and its UTF-8 bytes
/// (both as base-128 varints, the line relative to its block's), aligned to 2 bytes and addressed by a 32-bit position
/// in 2-byte units.
/// </summary>
/// <remarks>
/// Records live in 1 MiB chunks, so growing never copies what is stored and no single array reaches the large-object
/// heap's worst case; a record larger than a chunk (a key of ~1 MiB, possible under the record limit) gets a chunk of
/// its own. 32-bit positions reach 8 GiB of records, far beyond what fits in memory on the machines txetl runs on.
/// A line takes one byte, not three: each 512-byte block of a chunk keeps the line of the first record that starts in
/// it (a side table of 8 bytes per block), and a record stores only its distance from that line, which is small
/// because keys arrive in line order. A 12-character id thus takes 14 bytes, not 16.
/// The records can be walked in order (<see cref="Visit"/>), so that <see cref="InFileKeys"/>' table need not keep
/// what it can hash again.
/// </remarks>
internal sealed class KeyArena
{
    private const int UnitShift = 1;
    private const int ChunkUnitBits = 19;
    private const int ChunkBytes = 1 << (ChunkUnitBits + UnitShift);
    private const int MaxChunks = (int)(uint.MaxValue >> ChunkUnitBits);
    private const int BlockShift = 9;

    private readonly List<byte[]> _chunks = [];
    // The bytes in use of each chunk (the last one's grows), so that a walk stops where the records do.
    private readonly List<int> _usedBytes = [];
    // By block number (chunk and offset >> BlockShift): the line of the first record that starts in the block.
    private long[] _blockLines = new long[16];
    private long _lastBlock = -1;
    private int _used = ChunkBytes;

    /// <summary>Receives each record's position and key bytes, in the order they were stored.</summary>
    public delegate void RecordVisitor(uint position, ReadOnlySpan<byte> key);

    /// <summary>The records' size so far in position units (a position is always below it).</summary>
    public long Units => (((long)_chunks.Count - 1) << ChunkUnitBits) + (_used >> UnitShift);

    /// <summary>Stores a record and returns its position; <paramref name="line"/> is at least the line of every record stored before.</summary>
    public uint Append(ReadOnlySpan<byte> key, long line)
    {
        int lengthBytes = VarintLength((ulong)key.Length);
        if (_used + MaxVarintBytes + lengthBytes + key.Length > ChunkBytes)
        {
            if (_chunks.Count >= MaxChunks)
            {
                throw new InvalidOperationException("the in-file duplicate check holds the most key bytes it can (8 GiB); use --no-duplicate-check");
            }
            _chunks.Add(new byte[Math.Max(Align(MaxVarintBytes + lengthBytes + key.Length), ChunkBytes)]);
            _usedBytes.Add(0);
            _used = 0;
        }
        var chunk = _chunks[^1];
        int at = _used;
        long block = BlockOf(_chunks.Count - 1, at);
        if (block != _lastBlock)
        {
            SetBlockLine(block, line);
        }
        int offset = WriteVarint(chunk, at, (ulong)(line - _blockLines[block]));
        offset = WriteVarint(chunk, offset, (ulong)key.Length);
        key.CopyTo(chunk.AsSpan(offset));
        int end = Align(offset + key.Length);
        // An oversized record fills its chunk, so the next record starts a new one.
        _used = end > ChunkBytes ? ChunkBytes : end;
        _usedBytes[^1] = Math.Min(end, chunk.Length);
        return ((uint)(_chunks.Count - 1) << ChunkUnitBits) | (uint)(at >> UnitShift);
    }

    /// <summary>True, with the record's line, when the record at <paramref name="position"/> holds exactly <paramref name="key"/>.</summary>
    public bool Matches(uint position, ReadOnlySpan<byte> key, out long line)
    {
        int c = (int)(position >> ChunkUnitBits);
        var chunk = _chunks[c];
        int at = (int)(position & ((1u << ChunkUnitBits) - 1)) << UnitShift;
        int offset = ReadVarint(chunk, at, out ulong distance);
        offset = ReadVarint(chunk, offset, out ulong length);
        line = _blockLines[BlockOf(c, at)] + (long)distance;
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
                at = Align(offset + (int)length);
            }
        }
    }

    private const int MaxVarintBytes = 10;

    private static long BlockOf(int chunk, int at) => ((long)chunk << (ChunkUnitBits + UnitShift - BlockShift)) | (uint)(at >> BlockShift);

    /// <summary>The first record starting in <paramref name="block"/>: its line becomes the block's (blocks a huge record spans get it too, unread).</summary>
    private void SetBlockLine(long block, long line)
    {
        if (block >= _blockLines.Length)
        {
            Array.Resize(ref _blockLines, (int)Math.Max(block + 1, Math.Min((long)_blockLines.Length * 2, Array.MaxLength)));
        }
        _blockLines[block] = line;
        _lastBlock = block;
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
