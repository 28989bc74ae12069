using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The in-memory duplicate check of <c>validate</c>: every valid row's key and the line it was first seen on, so that a
/// later occurrence names the line that won. One owner, so that its representation can change without touching the
/// record loop.
/// </summary>
/// <remarks>
/// A string and a dictionary entry per key cost ~100 bytes and kept a million strings alive for the garbage collector
/// to copy and scan. Instead, each key's UTF-8 bytes and first line go once into an append-only <see cref="KeyArena"/>
/// (~20 bytes for a 15-character id), and an open-addressing table of 8-byte slots finds them: the upper 32 bits of the
/// key's 64-bit XxHash3 and the record's arena position. The table's index is the hash's top bits, so it doubles
/// without reading the arena again. The check is exact: a slot whose stored hash bits match only points at a candidate,
/// and the key's bytes are compared with the candidate's before it counts as seen; a true hash collision therefore just
/// probes on. Memory: ~20 bytes of arena and 8-21 bytes of table per distinct key (the table is 37-75 % full).
/// </remarks>
internal sealed class InFileKeys
{
    private const int StackKeyBytes = 256;
    private const int InitialBits = 10;

    private readonly KeyArena _arena = new();
    private readonly Func<ulong, ulong>? _remapHash;
    private ulong[] _slots = new ulong[1 << InitialBits];
    private int _bits = InitialBits;
    private long _count;

    // The last probe, so that Add after a missed TryGetFirstLine of the same key string neither encodes nor hashes again.
    private string? _lastKey;
    private ulong _lastHash;

    public InFileKeys()
    {
    }

    /// <summary>For tests: <paramref name="remapHash"/> replaces each key's hash, e.g. by a constant so that every key collides.</summary>
    internal InFileKeys(Func<ulong, ulong> remapHash) => _remapHash = remapHash;

    /// <summary>The number of distinct keys remembered.</summary>
    public long Count => _count;

    /// <summary>True, with the line of its first occurrence, when <paramref name="key"/> was added before.</summary>
    public bool TryGetFirstLine(string key, out long firstLine)
    {
        byte[]? rented = null;
        var utf8 = Encode(key, stackalloc byte[StackKeyBytes], ref rented);
        try
        {
            ulong hash = Hash(utf8);
            _lastKey = key;
            _lastHash = hash;
            return Find(utf8, hash, out _, out firstLine);
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>Remembers <paramref name="key"/>, first seen on <paramref name="line"/>; a key added before keeps its first line.</summary>
    public void Add(string key, long line)
    {
        byte[]? rented = null;
        var utf8 = Encode(key, stackalloc byte[StackKeyBytes], ref rented);
        try
        {
            ulong hash = ReferenceEquals(key, _lastKey) ? _lastHash : Hash(utf8);
            _lastKey = null;
            if (Find(utf8, hash, out _, out _))
            {
                return;
            }
            if ((_count + 1) * 4 > (long)_slots.Length * 3)
            {
                Grow();
            }
            Find(utf8, hash, out int empty, out _);
            uint position = _arena.Append(utf8, line);
            _slots[empty] = (hash & 0xFFFF_FFFF_0000_0000UL) | (position + 1UL);
            _count++;
        }
        finally
        {
            Return(rented);
        }
    }

    /// <summary>Linear probing from the hash's top bits: true at the slot holding <paramref name="utf8"/>, else false at the first empty slot.</summary>
    private bool Find(ReadOnlySpan<byte> utf8, ulong hash, out int slot, out long firstLine)
    {
        uint stored = (uint)(hash >> 32);
        int mask = _slots.Length - 1;
        int i = (int)(stored >> (32 - _bits));
        while (true)
        {
            ulong value = _slots[i];
            if (value == 0)
            {
                slot = i;
                firstLine = 0;
                return false;
            }
            if ((uint)(value >> 32) == stored && _arena.Matches((uint)value - 1, utf8, out firstLine))
            {
                slot = i;
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>Doubles the table; each slot's new index comes from its stored hash bits, so the arena is not read.</summary>
    private void Grow()
    {
        if (_bits >= 31)
        {
            throw new InvalidOperationException("the in-file duplicate check holds the most keys it can (2^30); use --no-duplicate-check");
        }
        var old = _slots;
        _bits++;
        _slots = new ulong[1 << _bits];
        int mask = _slots.Length - 1;
        foreach (ulong value in old)
        {
            if (value == 0)
            {
                continue;
            }
            int i = (int)((uint)(value >> 32) >> (32 - _bits));
            while (_slots[i] != 0)
            {
                i = (i + 1) & mask;
            }
            _slots[i] = value;
        }
    }

    private ulong Hash(ReadOnlySpan<byte> utf8)
    {
        ulong hash = XxHash3.HashToUInt64(utf8);
        return _remapHash is null ? hash : _remapHash(hash);
    }

    private static ReadOnlySpan<byte> Encode(string key, Span<byte> stack, ref byte[]? rented)
    {
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        var buffer = max <= stack.Length ? stack : (rented = ArrayPool<byte>.Shared.Rent(max));
        return buffer[..Encoding.UTF8.GetBytes(key, buffer)];
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
