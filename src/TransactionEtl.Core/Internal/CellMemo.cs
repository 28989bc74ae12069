using System.Runtime.CompilerServices;

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
    private int _empty; // the entry of the empty text + 1, or 0
    private int _lookups;
    private int _hits;

    /// <summary>False once the field's values proved too varied to be worth remembering.</summary>
    public bool Enabled { get; private set; } = true;

    /// <summary>Finds <paramref name="text"/>; on a hit returns the remembered cell string and typed value.</summary>
    public bool TryGet(ReadOnlySpan<char> text, out string cell, out object? typed) => TryGet(text, out cell, out typed, out _);

    /// <summary>Finds <paramref name="text"/>; on a hit returns the remembered cell string, typed value and facts.</summary>
    public bool TryGet(ReadOnlySpan<char> text, out string cell, out object? typed, out CellFacts facts)
    {
        int index = IndexOf(text);
        bool hit = index >= 0;
        cell = hit ? CellAt(index) : null!; // read only after a true return
        typed = hit ? TypedAt(index) : null;
        facts = hit ? FactsAt(index) : CellFacts.None;
        return hit;
    }

    /// <summary>
    /// The entry remembering <paramref name="text"/>, or -1; its parts are read with <see cref="CellAt"/>,
    /// <see cref="TypedAt"/> and <see cref="FactsAt"/> when needed. The validator keeps the index, an int: three out
    /// references per hit were three write barriers into its arrays and three more onto the stack (issue 19).
    /// </summary>
    // Per memoized cell: inlined into the validator's SetCell, so that an empty cell costs no call at all.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int IndexOf(ReadOnlySpan<char> text)
    {
        // An empty cell (an optional region or tax flag on most rows) skips the table: no hash, no slot to load.
        // A text of up to eight characters (a currency, a country, a region, a flag, most categories) is found inline:
        // its slot holds all of it, so its probe compares no string and calls nothing (Find's call and frame were a
        // quarter of its cost per cell).
        int index = text.IsEmpty ? _empty - 1 : text.Length <= CellMemoKey.WholeChars ? FindWhole(text) : Find(text);
        if (index >= 0)
        {
            _hits++;
        }
        if (++_lookups == ProbeLookups)
        {
            Review();
        }
        return index;
    }

    /// <summary>The remembered cell string of entry <paramref name="index"/> (from <see cref="IndexOf"/>).</summary>
    public string CellAt(int index) => _entries[index].Cell;

    /// <summary>The remembered typed value of entry <paramref name="index"/>.</summary>
    public object? TypedAt(int index) => _entries[index].Typed;

    /// <summary>The remembered facts of entry <paramref name="index"/>.</summary>
    public CellFacts FactsAt(int index) => _entries[index].Facts;

    /// <summary>Every <see cref="ProbeLookups"/> lookups: fewer than half of them hits turns the memo off.</summary>
    private void Review()
    {
        Enabled = _hits >= ProbeLookups / 2;
        _lookups = 0;
        _hits = 0;
    }

    /// <summary>Remembers a cell that passed its checks, while there is room.</summary>
    public void Add(string cell, object? typed) => Add(cell, typed, CellFacts.None);

    /// <summary>Remembers a cell that passed its checks, with its facts, while there is room (a text already held stays as it is).</summary>
    public void Add(string cell, object? typed, CellFacts facts)
    {
        if (_count == Capacity || (cell.Length == 0 ? _empty > 0 : Find(cell) >= 0 || !TryPlace(cell, _count)))
        {
            return;
        }

        if (cell.Length == 0)
        {
            _empty = _count + 1;
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
            // The empty text is found without the slots (TryGet).
            if (_entries[i].Cell.Length > 0)
            {
                TryPlace(_entries[i].Cell, i);
            }
        }
    }

    /// <summary>Puts entry <paramref name="index"/> in the first free slot of its probe; false when the probe has none.</summary>
    private bool TryPlace(string text, int index)
    {
        ulong hash = CellMemoKey.Of(text, out ulong head, out ulong tail);
        int mask = _slots.Length - 1;
        for (int probe = 0, slot = Home(hash); probe < MaxProbe; probe++, slot = (slot + 1) & mask)
        {
            if (_slots[slot].Entry == 0)
            {
                _slots[slot] = new Slot(head, tail, text.Length, index + 1);
                return true;
            }
        }

        return false;
    }

    /// <summary>The entry holding <paramref name="text"/> (not empty), or -1.</summary>
    private int Find(ReadOnlySpan<char> text) => Probe(CellMemoKey.Of(text, out ulong head, out ulong tail), head, tail, text, whole: false);

    /// <summary>The entry holding <paramref name="text"/> (1 to <see cref="CellMemoKey.WholeChars"/> characters), or -1.</summary>
    // Inlined into IndexOf, with a probe that compares no string: the slot's words hold the whole text.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindWhole(ReadOnlySpan<char> text) =>
        Probe(CellMemoKey.OfWhole(text, out ulong head, out ulong tail), head, tail, text, whole: true);

    /// <summary>
    /// The probe of <see cref="Find"/> and <see cref="FindWhole"/>; inlined into each, so that a constant
    /// <paramref name="whole"/> drops the string compare from FindWhole's copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Probe(ulong hash, ulong head, ulong tail, ReadOnlySpan<char> text, bool whole)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int probe = 0, slot = Home(hash); probe < MaxProbe; probe++, slot = (slot + 1) & mask)
        {
            ref readonly var s = ref slots[slot];
            if (s.Entry == 0)
            {
                return -1;
            }

            // The slot's words hold the whole of a text up to eight characters, so only a longer one is compared with
            // the remembered string (whose cache line a short cell then never loads).
            if (s.Length == text.Length && s.Head == head && s.Tail == tail
                && (whole || text.Length <= CellMemoKey.WholeChars || text.SequenceEqual(_entries[s.Entry - 1].Cell)))
            {
                return s.Entry - 1;
            }
        }

        return -1;
    }

    private int Home(ulong hash) => (int)(hash >> (64 - _slotBits));

    /// <summary>A slot: the text's length and words (see <see cref="CellMemoKey"/>) and its entry's index + 1 (0 marks a free slot).</summary>
    private readonly record struct Slot(ulong Head, ulong Tail, int Length, int Entry);

    private readonly record struct Entry(string Cell, object? Typed, CellFacts Facts);
}
