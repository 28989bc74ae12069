using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The in-memory duplicate check of <c>validate</c>: every valid row's key and the line it was first seen on, so that a
/// later occurrence names the line that won. One owner, so that its representation can change without touching the
/// record loop.
/// </summary>
/// <remarks>
/// Each key's UTF-8 bytes and first line go once into an append-only <see cref="KeyArena"/> (14 bytes for a 12-character
/// id), and an open-addressing table of 4-byte slots finds them. A slot holds the record's arena position in its low
/// bits and, in the bits the positions do not need yet, a tag of the key's 64-bit XxHash3; the slot's index comes from
/// the hash's upper half (multiply-shift, so the table can have any size). The table keeps no full hash, so it is
/// rebuilt by hashing the arena's keys again: when it gets too full, when the positions need another bit, and once
/// when the caller <see cref="Reserve"/>s room for the keys it expects, which sizes it for the whole file up front
/// (no doubling peak at the end). The check is exact: a slot whose tag matches only points at a candidate, and the
/// key's bytes are compared with the candidate's before it counts as seen; a hash collision therefore just probes on.
/// Memory at 1M 12-character ids: 14 MB of arena and ~5 MB of table (before: a 16 MB arena, and 8-byte slots with the
/// full upper hash half in a 2^21 table, 16 MB, and 24 MB while it doubled).
/// </remarks>
internal sealed class InFileKeys
{
    private const int MinCapacity = 1024;
    private const int FirstPositionBits = 20;
    // Percent: a reserved table starts at most 75 % full and is rebuilt larger past 85 %.
    private const int ReservedLoad = 75;
    private const int MaxLoad = 85;
    private const long MaxKeys = 1L << 30;

    private readonly KeyArena _arena = new();
    private readonly Func<ulong, ulong>? _remapHash;
    // A seed of this set's own, so that a file's keys cannot be chosen to share slots (that would cost probe length,
    // never a wrong answer: a match compares the bytes). The table keeps no hashes, so one seed serves every rebuild.
    private readonly long _seed = Random.Shared.NextInt64();
    private uint[] _slots = new uint[MinCapacity];
    private int _positionBits = FirstPositionBits;
    private uint _positionMask = (1u << FirstPositionBits) - 1;
    private long _count;

    // The last probe's UTF-8 bytes, hash and (after a miss) the empty slot it ended at, so that AddProbed after a missed
    // TryGetFirstLine neither encodes, hashes nor probes again.
    private int _lastEmptySlot = -1;
    private byte[] _utf8 = new byte[256];
    private int _utf8Length;
    private ulong _lastHash;
    // Whether _utf8 and _lastHash are a Prefetch's that no lookup or add has used yet.
    private bool _prefetched;

    public InFileKeys()
    {
    }

    /// <summary>For tests: <paramref name="remapHash"/> replaces each key's hash, e.g. by a constant so that every key collides.</summary>
    internal InFileKeys(Func<ulong, ulong> remapHash) => _remapHash = remapHash;

    /// <summary>The number of distinct keys remembered.</summary>
    public long Count => _count;

    /// <summary>The slots of the table (for tests and the memory figures).</summary>
    internal int Capacity => _slots.Length;

    /// <summary>
    /// True when one more key of <paramref name="keyChars"/> characters keeps the set within <paramref name="budgetBytes"/>:
    /// its records so far, the new one at most, and the table, twice as large if that key would make it grow.
    /// </summary>
    public bool CanAdd(int keyChars, long budgetBytes)
    {
        long table = (_count + 1) * 100 > (long)_slots.Length * MaxLoad ? _slots.LongLength * 8 : _slots.LongLength * 4;
        return _arena.Units * 2 + 3L * keyChars + 24 + table <= budgetBytes;
    }

    /// <summary>True, with the line of its first occurrence, when <paramref name="key"/> was added before.</summary>
    /// <remarks>After a miss, <see cref="AddProbed"/> remembers this key without encoding, hashing or probing again.</remarks>
    public bool TryGetFirstLine(ReadOnlySpan<char> key, out long firstLine)
    {
        var utf8 = Encode(key);
        _lastHash = Hash(utf8);
        return Probe(utf8, out firstLine);
    }

    /// <summary>
    /// Starts the lookup of <paramref name="key"/>: encodes and hashes it, and asks for the slot its probe starts at, so
    /// that the caller's work until <see cref="TryGetFirstLinePrefetched"/> overlaps that read (at 1M keys the ~4 MB
    /// table misses the cache on nearly every row: InFileKeys.Find ~14 % of a 1M-row validate).
    /// </summary>
    public void Prefetch(ReadOnlySpan<char> key)
    {
        var utf8 = Encode(key);
        _lastHash = Hash(utf8);
        _lastEmptySlot = -1;
        _prefetched = true;
        if (Sse.IsSupported)
        {
            // A hint only: it reads nothing the code depends on, and the array cannot move during one instruction.
            unsafe
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref _slots[Home(_lastHash, _slots.Length)]));
            }
        }
    }

    /// <summary>
    /// <see cref="TryGetFirstLine(ReadOnlySpan{char}, out long)"/> of the key of the last <see cref="Prefetch"/>, with
    /// the bytes and hash made there: for a caller that knows it holds the same text (no copy kept to compare).
    /// </summary>
    public bool TryGetFirstLinePrefetched(out long firstLine)
    {
        if (!_prefetched)
        {
            throw new InvalidOperationException("no key was prefetched since the last lookup or add");
        }
        return Probe(_utf8.AsSpan(0, _utf8Length), out firstLine);
    }

    /// <summary>Remembers <paramref name="key"/>, first seen on <paramref name="line"/>; a key added before keeps its first line.</summary>
    public void Add(ReadOnlySpan<char> key, long line)
    {
        var utf8 = Encode(key);
        _lastHash = Hash(utf8);
        _lastEmptySlot = -1;
        AddProbed(line);
    }

    /// <summary>
    /// Remembers the key of the last <see cref="TryGetFirstLine(ReadOnlySpan{char}, out long)"/> (its bytes and hash are
    /// still here), first seen on <paramref name="line"/>: the row's key needs no string to be checked and then added.
    /// </summary>
    public void AddProbed(long line)
    {
        var utf8 = _utf8.AsSpan(0, _utf8Length);
        ulong hash = _lastHash;
        int empty = _lastEmptySlot;
        _lastEmptySlot = -1;
        // Nothing changed the table since a probe that missed; otherwise (a rebuild, an add, no probe) probe now.
        if (empty < 0 && Find(utf8, hash, out _, out empty))
        {
            return;
        }
        if (_count >= MaxKeys)
        {
            throw new InvalidOperationException("the in-file duplicate check holds the most keys it can (2^30); use --no-duplicate-check");
        }
        uint position = _arena.Append(utf8, line);
        _count++;
        bool full = _count * 100 > (long)_slots.Length * MaxLoad;
        if (full || position >= _positionMask)
        {
            // The new record is in the arena, so the rebuild places it too; a position that no longer fits gets a bit more.
            Rebuild(full ? (long)_slots.Length * 2 : _slots.Length, position >= _positionMask ? ((long)position + 1) * 2 : 1);
            return;
        }
        _slots[empty] = ((uint)hash & ~_positionMask) | (position + 1);
    }

    /// <summary>
    /// Sizes the table for <paramref name="expectedKeys"/> keys now, while it is small: one rebuild instead of the
    /// doublings, and no old and new table side by side at the end. More keys than expected still fit (it grows).
    /// </summary>
    public void Reserve(long expectedKeys)
    {
        long capacity = Math.Min(expectedKeys, MaxKeys) * 100 / ReservedLoad;
        if (capacity <= _slots.Length || _count == 0)
        {
            return;
        }
        // The positions the expected keys' records will need, from the records stored so far, with a quarter to spare.
        long units = _arena.Units * (expectedKeys / _count + 1) / 4 * 5;
        _lastEmptySlot = -1;
        Rebuild(capacity, units);
    }

    /// <summary>The lookup of the encoded and hashed key; after a miss, remembers the empty slot for <see cref="AddProbed"/>.</summary>
    private bool Probe(ReadOnlySpan<byte> utf8, out long firstLine)
    {
        _prefetched = false;
        bool found = Find(utf8, _lastHash, out firstLine, out int slot);
        _lastEmptySlot = found ? -1 : slot;
        return found;
    }

    /// <summary>Linear probing: true, with the record's line, at the slot whose key is <paramref name="utf8"/>; false at the empty <paramref name="slot"/> where it would go.</summary>
    private bool Find(ReadOnlySpan<byte> utf8, ulong hash, out long firstLine, out int slot)
    {
        var slots = _slots;
        uint tag = (uint)hash & ~_positionMask;
        uint i = Home(hash, slots.Length);
        while (true)
        {
            uint value = slots[i];
            slot = (int)i;
            if (value == 0)
            {
                firstLine = 0;
                return false;
            }
            if ((value & ~_positionMask) == tag && _arena.Matches((value & _positionMask) - 1, utf8, out firstLine))
            {
                return true;
            }
            i = i + 1 == (uint)slots.Length ? 0 : i + 1;
        }
    }

    /// <summary>A new table of <paramref name="capacity"/> slots with room for positions up to <paramref name="units"/>, filled from the arena.</summary>
    private void Rebuild(long capacity, long units)
    {
        int positionBits = Math.Min(32, Math.Max(_positionBits, 64 - BitOperations.LeadingZeroCount((ulong)units)));
        var slots = new uint[Math.Min(Math.Max(capacity, MinCapacity), Array.MaxLength)];
        _slots = [];
        _positionBits = positionBits;
        _positionMask = positionBits == 32 ? uint.MaxValue : (1u << positionBits) - 1;
        _arena.Visit((position, key) => Place(slots, Hash(key), position + 1));
        _slots = slots;
    }

    private void Place(uint[] slots, ulong hash, uint positionPlusOne)
    {
        uint i = Home(hash, slots.Length);
        while (slots[i] != 0)
        {
            i = i + 1 == (uint)slots.Length ? 0 : i + 1;
        }
        slots[i] = ((uint)hash & ~_positionMask) | positionPlusOne;
    }

    /// <summary>The slot a hash starts probing at: its upper 32 bits scaled to the table (any size, no modulo).</summary>
    private static uint Home(ulong hash, int length) => (uint)(((hash >> 32) * (uint)length) >> 32);

    private ulong Hash(ReadOnlySpan<byte> utf8)
    {
        ulong hash = XxHash3.HashToUInt64(utf8, _seed);
        return _remapHash is null ? hash : _remapHash(hash);
    }

    /// <summary>The key's UTF-8 bytes in a buffer kept between calls (a key is at most a record, so it stays bounded).</summary>
    private ReadOnlySpan<byte> Encode(ReadOnlySpan<char> key)
    {
        _prefetched = false;
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (max > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }
        _utf8Length = Encoding.UTF8.GetBytes(key, _utf8);
        return _utf8.AsSpan(0, _utf8Length);
    }
}
