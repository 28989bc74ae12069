namespace TransactionEtl.Core.Internal;

/// <summary>
/// One field's memory of cell texts that passed every check, with the string and typed value they gave. A value
/// repeated across rows (a currency, a country, a category, a merchant) is then neither copied into a new string
/// nor normalized and checked again: checking a string or boolean cell depends on its text alone.
/// </summary>
/// <remarks>
/// Bounded, and it switches itself off for a field whose values rarely repeat (ids, account numbers), where a
/// lookup per cell would only add work: after every <see cref="ProbeLookups"/> lookups, fewer than half of them
/// hits turns it off for the rest of the file.
/// </remarks>
internal sealed class CellMemo
{
    internal const int Capacity = 1024;
    internal const int ProbeLookups = 4096;

    private readonly Dictionary<string, object?> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object?>.AlternateLookup<ReadOnlySpan<char>> _byText;
    private int _lookups;
    private int _hits;

    public CellMemo() => _byText = _entries.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>False once the field's values proved too varied to be worth remembering.</summary>
    public bool Enabled { get; private set; } = true;

    /// <summary>Finds <paramref name="text"/>; on a hit returns the remembered cell string and typed value.</summary>
    public bool TryGet(ReadOnlySpan<char> text, out string cell, out object? typed)
    {
        bool hit = _byText.TryGetValue(text, out cell!, out typed);
        if (hit)
        {
            _hits++;
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
    public void Add(string cell, object? typed)
    {
        if (_entries.Count < Capacity)
        {
            _entries.TryAdd(cell, typed);
        }
    }
}
