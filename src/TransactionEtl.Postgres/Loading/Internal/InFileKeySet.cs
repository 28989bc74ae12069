namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The direct path's memory of the file's ids and the line each first came on, bounded by a byte budget
/// (<see cref="LoadRequest.InFileKeyBudgetBytes"/>). Once full it stops remembering: a later repeat of an id it does not
/// hold reaches the COPY, whose primary key refuses it, and the load falls back to staging as before. So the set
/// only ever saves the second pass, never decides a row the staging path would decide otherwise.
/// </summary>
internal sealed class InFileKeySet(long budgetBytes)
{
    // A string's object header, length and terminator (~22 bytes, rounded up) plus the dictionary's entry (hash, next,
    // key, value: 24 bytes) and bucket (4 bytes), with room for the arrays' doubling: an estimate, not a measurement
    // of the heap; docs/performance.md has what the process's peak RSS does.
    private const long OverheadPerKey = 80;

    private readonly Dictionary<string, long> _firstLines = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>Whether some id was not remembered because the budget was spent.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>
    /// The line of <paramref name="key"/>'s first occurrence when this is a repeat; otherwise null, and the key is
    /// remembered with <paramref name="line"/> while the budget lasts.
    /// </summary>
    public long? FirstLineOrRemember(string key, long line)
    {
        if (_firstLines.TryGetValue(key, out var first))
        {
            return first;
        }

        var cost = OverheadPerKey + (2L * key.Length);
        if (_bytes + cost > budgetBytes)
        {
            Overflowed = true;
            return null;
        }

        _firstLines.Add(key, line);
        _bytes += cost;
        return null;
    }
}
