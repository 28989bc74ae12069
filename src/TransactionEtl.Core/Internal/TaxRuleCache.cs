using System.Runtime.CompilerServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The tax rule of a row's country, region and category, remembered per the <see cref="CellMemo"/> entries that those
/// cells were found in, together with the days on which it stays the answer and its rate's parts (<see cref="TaxRate"/>).
/// Walking the country's rules and comparing region and category strings on every row was ~190 instructions a row
/// (issue 19); a hit is a hash, one compare of the key and two of the day.
/// </summary>
/// <remarks>
/// An entry index stands for one remembered cell text, whose typed value (and so the rule lookup's input) never changes
/// for the file: a key of entries is a key of values. A cell not found in its memo has no entry, and its row looks the
/// rule up as before. Open addressing at most half full, growing with the keys up to <see cref="MaxKeys"/> slots.
/// </remarks>
internal sealed class TaxRuleCache
{
    internal const int MaxKeys = 1024;

    private const int InitialBits = 6;

    private Slot[] _slots = new Slot[1 << InitialBits];
    private int _shift = 64 - InitialBits;
    private int _count;

    // The answer for a row without a key (a cell not in its memo) or past MaxKeys: the same shape, for that row only.
    private Slot _unkeyed;

    /// <summary>A remembered rule: for <see cref="Key"/>, on the days [From, To) (day numbers).</summary>
    public struct Slot
    {
        public ulong Key; // 0 marks a free slot
        public int From;
        public int To;
        public TaxRule Rule;
        public TaxRate Rate;
    }

    /// <summary>
    /// The key of a row's memo entries: the country's, and the region's and category's (0 when the contract's tax
    /// step has no such field). Entries are below CellMemo.Capacity (1024), so 21 bits each hold them.
    /// </summary>
    public static ulong KeyOf(int country, int region, int category) =>
        ((ulong)(uint)(country + 1) << 42) | ((ulong)(uint)region << 21) | (uint)category;

    /// <summary>The slot remembering <paramref name="key"/> on <paramref name="day"/>, or a null reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly Slot Find(ulong key, int day)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            ref readonly var slot = ref slots[i];
            if (slot.Key == key && day >= slot.From && day < slot.To)
            {
                return ref slot;
            }
            if (slot.Key == 0)
            {
                return ref Unsafe.NullRef<Slot>();
            }
        }
    }

    /// <summary>
    /// Remembers <paramref name="rule"/> for <paramref name="key"/> on [from, to) and returns its slot; a key of 0 (or a
    /// full table) gets a slot for this row only. A key has a slot per range of days it was asked about: rows of one
    /// country on both sides of a rate change (CH on 2024-01-01) then find theirs instead of taking turns in one.
    /// </summary>
    public ref readonly Slot Remember(ulong key, DateOnly from, DateOnly to, TaxRule rule)
    {
        var remembered = new Slot { Key = key, From = from.DayNumber, To = to.DayNumber, Rule = rule, Rate = new TaxRate(rule.Rate) };
        if (key == 0 || _count == MaxKeys)
        {
            remembered.Key = 0;
            _unkeyed = remembered;
            return ref _unkeyed;
        }
        if (2 * (_count + 1) > _slots.Length)
        {
            Grow();
        }
        // Find missed, so no slot of this key holds these days: the first free slot of the probe takes them.
        int mask = _slots.Length - 1;
        int i = Home(key);
        while (_slots[i].Key != 0)
        {
            i = (i + 1) & mask;
        }
        _count++;
        _slots[i] = remembered;
        return ref _slots[i];
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Slot[2 * old.Length];
        _shift--;
        int mask = _slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot.Key != 0)
            {
                int i = Home(slot.Key);
                while (_slots[i].Key != 0)
                {
                    i = (i + 1) & mask;
                }
                _slots[i] = slot;
            }
        }
    }

    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
}
