using System.Runtime.InteropServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// One field's memory of cell texts that passed every check, with the string, typed value and facts they gave. A
/// value repeated across rows (a currency, a country, a category, a merchant) is then neither copied into a new
/// string nor normalized and checked again: checking a string or boolean cell depends on its text alone.
/// </summary>
/// <remarks>
/// Bounded, and it switches itself off for a field whose values rarely repeat (ids, account numbers), where a
/// lookup per cell would only add work: after every <see cref="ProbeLookups"/> lookups, fewer than half of them
/// hits turns it off for the rest of the file.
/// An open-addressing table over the cell's characters rather than a Dictionary's alternate lookup: the dictionary's
/// generic lookup, comparer and string hash were ~5.7 % of a load's client CPU (issue 19). A probe looks at most
/// <see cref="MaxProbe"/> slots, so texts crafted to collide cost a bounded search, and one that finds no free slot
/// is simply not remembered (it is checked as a string every time, as before).
/// </remarks>
internal sealed class CellMemo
{
    internal const int Capacity = 1024;
    internal const int ProbeLookups = 4096;
    internal const int MaxProbe = 16;

    // At least four slots per entry (a power of two): at most a quarter full, so a probe almost always ends at its
    // first slot. Both arrays grow with the entries: most fields have a few dozen values, and a table of a few cache
    // lines stays in the cache that the key set's random reads keep evicting (a fixed 32 KB table was no faster
    // than the dictionary).
    private const int InitialSlotBits = 5;

    private int _slotBits = InitialSlotBits;
    private Slot[] _slots = new Slot[1 << InitialSlotBits];
    private Entry[] _entries = new Entry[1 << (InitialSlotBits - 2)];
    private int _count;
    private int _lookups;
    private int _hits;

    /// <summary>False once the field's values proved too varied to be worth remembering.</summary>
    public bool Enabled { get; private set; } = true;

    /// <summary>Finds <paramref name="text"/>; on a hit returns the remembered cell string and typed value.</summary>
    public bool TryGet(ReadOnlySpan<char> text, out string cell, out object? typed) => TryGet(text, out cell, out typed, out _);

    /// <summary>Finds <paramref name="text"/>; on a hit returns the remembered cell string, typed value and facts.</summary>
    public bool TryGet(ReadOnlySpan<char> text, out string cell, out object? typed, out CellFacts facts)
    {
        int index = Find(text, Hash(text));
        bool hit = index >= 0;
        if (hit)
        {
            ref readonly var entry = ref _entries[index];
            cell = entry.Cell;
            typed = entry.Typed;
            facts = entry.Facts;
            _hits++;
        }
        else
        {
            cell = null!; // read only after a true return
            typed = null;
            facts = CellFacts.None;
        }

        if (++_lookups == ProbeLookups)
        {
            Enabled = _hits >= ProbeLookups / 2;
            _lookups = 0;
            _hits = 0;
        }

        return hit;
    }

    /// <summary>Remembers a cell that passed its checks, while there is room.</summary>
    public void Add(string cell, object? typed) => Add(cell, typed, CellFacts.None);

    /// <summary>Remembers a cell that passed its checks, with its facts, while there is room (a text already held stays as it is).</summary>
    public void Add(string cell, object? typed, CellFacts facts)
    {
        ulong hash = Hash(cell);
        if (_count == Capacity || Find(cell, hash) >= 0 || !TryPlace(hash, _count))
        {
            return;
        }

        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, 2 * _entries.Length);
        }
        _entries[_count++] = new Entry(cell, typed, facts);
        if (4 * _count > _slots.Length)
        {
            Grow();
        }
    }

    /// <summary>Doubles the slots and places every entry again (an entry that finds no slot in its probe is dropped from them).</summary>
    private void Grow()
    {
        _slotBits++;
        _slots = new Slot[1 << _slotBits];
        for (int i = 0; i < _count; i++)
        {
            TryPlace(Hash(_entries[i].Cell), i);
        }
    }

    /// <summary>Puts entry <paramref name="index"/> in the first free slot of its probe; false when the probe has none.</summary>
    private bool TryPlace(ulong hash, int index)
    {
        int mask = _slots.Length - 1;
        for (int probe = 0, slot = Home(hash); probe < MaxProbe; probe++, slot = (slot + 1) & mask)
        {
            if (_slots[slot].Tag == 0)
            {
                _slots[slot] = new Slot(Tag(hash), index);
                return true;
            }
        }

        return false;
    }

    /// <summary>The entry holding <paramref name="text"/>, or -1.</summary>
    private int Find(ReadOnlySpan<char> text, ulong hash)
    {
        int tag = Tag(hash);
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int probe = 0, slot = Home(hash); probe < MaxProbe; probe++, slot = (slot + 1) & mask)
        {
            var s = slots[slot];
            if (s.Tag == 0)
            {
                return -1;
            }

            if (s.Tag == tag && text.SequenceEqual(_entries[s.Index].Cell))
            {
                return s.Index;
            }
        }

        return -1;
    }

    /// <summary>
    /// A multiplicative hash over four characters at a time: cells are short (codes, names), and the top bits of the
    /// product depend on every character, so they pick the slot and the next 32 bits make a tag that skips most
    /// unequal texts without comparing them.
    /// </summary>
    internal static ulong Hash(ReadOnlySpan<char> text)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15;
        ulong h = (ulong)text.Length * Multiplier;
        var words = MemoryMarshal.Cast<char, ulong>(text);
        foreach (ulong w in words)
        {
            h = (h ^ w) * Multiplier;
        }

        int rest = text.Length & 3;
        if (rest != 0)
        {
            // The last one to three characters in one more step (the length, hashed first, tells their count).
            ulong tail = text[^1];
            if (rest > 1)
            {
                tail = (tail << 16) | text[^2];
            }
            if (rest > 2)
            {
                tail = (tail << 16) | text[^3];
            }
            h = (h ^ tail) * Multiplier;
        }

        return h;
    }

    private int Home(ulong hash) => (int)(hash >> (64 - _slotBits));

    // Never 0, which marks an empty slot.
    private static int Tag(ulong hash) => (int)(hash >> 20) | 1;

    private readonly record struct Slot(int Tag, int Index);

    private readonly record struct Entry(string Cell, object? Typed, CellFacts Facts);
}
