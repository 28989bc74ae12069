using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The direct path's memory of the file's ids and the line each first came on, bounded by a byte budget
/// (<see cref="LoadRequest.InFileKeyBudgetBytes"/>). Once full it stops remembering: a later repeat of an id it does not
/// hold reaches the COPY, whose primary key refuses it, and the load falls back to staging as before. So the set
/// only ever saves the second pass, never decides a row the staging path would decide otherwise.
/// </summary>
/// <remarks>
/// Ids are looked up by their characters (a span of the row's text) and kept as characters in large shared blocks with
/// an open-addressing table of small structs: no string per id, and nothing with references for the garbage collector to
/// copy or scan. A string per id, held in a dictionary, was a string per row to allocate and ~80,000 strings for every
/// collection to walk (docs/performance.md, "Client CPU per row").
/// A slot holds its entry's index + 1 in the bits below the table's size and, above them, the same bits of the id's
/// hash (a tag: the bits the slot's place does not give). A probe passes a slot whose tag differs without reading its
/// entry, so a new id, the common case, costs one random read of the table instead of one more per occupied slot it
/// passes (the entries are 3 MB at the default budget, the slots 1 MB). A matching tag only names a candidate: its full
/// hash and characters are compared before it counts.
/// </remarks>
internal sealed class InFileKeySet
{
    // The budget's estimate per id, unchanged from the string dictionary this replaced (a string's header, length and
    // terminator plus the dictionary's entry and bucket, with room for doubling), so the budget lasts for as many ids as
    // before; the blocks and table below take less than that.
    private const long OverheadPerKey = 80;
    private const int BlockChars = 1 << 16;
    private const int FirstSlots = 1024;

    private readonly long _budgetBytes;
    private readonly Func<int, int>? _remapHash;
    // XxHash3 over the id's UTF-16 bytes with a seed of this set's own: a few instructions per id where string's Marvin
    // hash took ~0.9 % of a load (issue 19), and still unknown to whoever writes the file, so ids cannot be chosen to
    // collide (they would cost probe length, never a wrong answer: a match compares the characters).
    private readonly long _seed = Random.Shared.NextInt64();
    private readonly List<char[]> _blocks = [];
    // Tag | entry index + 1 (below the mask, which the index never reaches: the table is at most half full); 0 is empty.
    private uint[] _slots = new uint[FirstSlots];
    // A Bloom filter of the ids held, 2 bits of one word per id in 2 bits per slot (64 KB beside a 1 MB table at the
    // default budget), so that it stays in the cache where the table does not: once the budget is spent, every later
    // row is a lookup of an id the set does not hold, and ~93 % of those end here without reading the table.
    private ulong[] _filter = new ulong[FirstSlots / 32];
    private int _filterShift = 32 - BitOperations.Log2(FirstSlots / 32);
    private Entry[] _entries = new Entry[512];
    private int _count;
    private int _blockUsed = BlockChars;
    private long _bytes;
    // The last Prefetch's key (a copy: the caller's buffer is reused) and its hash, reused by a lookup of the same text.
    private char[] _hint = new char[64];
    private int _hintLength = -1;
    private int _hintHash;

    public InFileKeySet(long budgetBytes) => _budgetBytes = budgetBytes;

    /// <summary>For tests: <paramref name="remapHash"/> replaces each id's hash, e.g. so that ids share tags or collide fully.</summary>
    internal InFileKeySet(long budgetBytes, Func<int, int> remapHash)
        : this(budgetBytes) => _remapHash = remapHash;

    private struct Entry
    {
        public int Hash;
        public int Block;
        public int Start;
        public int Length;
        public long Line;
    }

    /// <summary>Whether some id was not remembered because the budget was spent.</summary>
    public bool Overflowed { get; private set; }

    /// <inheritdoc cref="FirstLineOrRemember(ReadOnlySpan{char}, long)"/>
    public long? FirstLineOrRemember(string key, long line) => FirstLineOrRemember(key.AsSpan(), line);

    /// <summary>
    /// The line of <paramref name="key"/>'s first occurrence when this is a repeat; otherwise null, and the key is
    /// remembered with <paramref name="line"/> while the budget lasts.
    /// </summary>
    public long? FirstLineOrRemember(ReadOnlySpan<char> key, long line)
    {
        // The same characters have the same hash: compared, not assumed, since the hint may have been for another key.
        int hash = key.Length == _hintLength && key.SequenceEqual(_hint.AsSpan(0, _hintLength)) ? _hintHash : Hash(key);
        bool mayHold = (_filter[FilterWord(hash)] & FilterBits(hash)) == FilterBits(hash);
        if (mayHold && Find(key, hash) is { } firstLine)
        {
            return firstLine;
        }

        var cost = OverheadPerKey + (2L * key.Length);
        if (_bytes + cost > _budgetBytes)
        {
            Overflowed = true;
            return null;
        }

        _bytes += cost;
        Remember(hash, key, line);
        return null;
    }

    /// <summary>
    /// Hashes <paramref name="key"/> and asks for its filter word and home slot, so that the caller's work until the
    /// lookup overlaps those reads (the slots miss the cache on nearly every row of a large file, and past the budget the
    /// filter word is the lookup's one read); <see cref="FirstLineOrRemember(ReadOnlySpan{char}, long)"/> of the same
    /// text then reuses the hash.
    /// </summary>
    public void Prefetch(ReadOnlySpan<char> key)
    {
        int hash = Hash(key);
        if (_hint.Length < key.Length)
        {
            _hint = new char[Math.Max(key.Length, 2 * _hint.Length)];
        }

        key.CopyTo(_hint);
        _hintLength = key.Length;
        _hintHash = hash;
        if (Sse.IsSupported)
        {
            // Hints only: they read nothing the code depends on, and an array cannot move during one instruction.
            unsafe
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref _filter[FilterWord(hash)]));
                Sse.Prefetch0(Unsafe.AsPointer(ref _slots[(uint)hash & ((uint)_slots.Length - 1)]));
            }
        }
    }

    private int Hash(ReadOnlySpan<char> key)
    {
        int hash = (int)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(key), _seed);
        return _remapHash is null ? hash : _remapHash(hash);
    }

    /// <summary>The first line of <paramref name="key"/>, if the table holds it: linear probing, tags first.</summary>
    private long? Find(ReadOnlySpan<char> key, int hash)
    {
        var slots = _slots;
        uint mask = (uint)slots.Length - 1;
        uint tag = (uint)hash & ~mask;
        for (uint slot = (uint)hash & mask, at; (at = slots[slot]) != 0; slot = (slot + 1) & mask)
        {
            if ((at & ~mask) == tag)
            {
                ref var entry = ref _entries[(at & mask) - 1];
                if (entry.Hash == hash && _blocks[entry.Block].AsSpan(entry.Start, entry.Length).SequenceEqual(key))
                {
                    return entry.Line;
                }
            }
        }

        return null;
    }

    /// <summary>The filter's word for a hash: its bits multiplied out, the top ones (the filter has 2^k words).</summary>
    private int FilterWord(int hash) => (int)(((uint)hash * 0x9E3779B9u) >> _filterShift);

    /// <summary>The two bits of its word a hash sets: from its low 12 bits, which the word's choice hardly depends on.</summary>
    // Inlined: the AOT compiler left it a call, twice per row on the path every row takes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FilterBits(int hash) => (1UL << hash) | (1UL << (hash >> 6));

    private void Remember(int hash, ReadOnlySpan<char> key, long line)
    {
        if (_blockUsed + key.Length > BlockChars || _blocks.Count == 0)
        {
            _blocks.Add(new char[Math.Max(BlockChars, key.Length)]);
            _blockUsed = 0;
        }

        key.CopyTo(_blocks[^1].AsSpan(_blockUsed));
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, 2 * _entries.Length);
        }

        _entries[_count] = new Entry { Hash = hash, Block = _blocks.Count - 1, Start = _blockUsed, Length = key.Length, Line = line };
        _blockUsed += key.Length;
        Place(_slots, hash, ++_count);
        _filter[FilterWord(hash)] |= FilterBits(hash);
        if (2 * _count > _slots.Length)
        {
            Grow();
        }
    }

    /// <summary>Puts entry number <paramref name="indexPlusOne"/> at the first empty slot from its hash's home, with its tag for this size.</summary>
    private static void Place(uint[] slots, int hash, int indexPlusOne)
    {
        uint mask = (uint)slots.Length - 1;
        uint slot = (uint)hash & mask;
        while (slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        slots[slot] = ((uint)hash & ~mask) | (uint)indexPlusOne;
    }

    /// <summary>Doubles the table (kept at most half full, so probe runs stay short) and the filter, and places every entry again.</summary>
    private void Grow()
    {
        var slots = new uint[2 * _slots.Length];
        _filter = new ulong[2 * _filter.Length];
        _filterShift--;
        for (int i = 0; i < _count; i++)
        {
            int hash = _entries[i].Hash;
            Place(slots, hash, i + 1);
            _filter[FilterWord(hash)] |= FilterBits(hash);
        }

        _slots = slots;
    }
}
