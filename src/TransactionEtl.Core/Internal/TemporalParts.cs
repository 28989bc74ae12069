namespace TransactionEtl.Core.Internal;

/// <summary>
/// What a strptime-style pattern read from a cell. Parts the pattern lacks keep Python's <c>strptime</c> defaults
/// (1900-01-01 00:00:00); the loader only accepts patterns whose field type needs none of those defaults.
/// </summary>
internal struct TemporalParts
{
    public int Year;
    public int Month;
    public int Day;
    public int Hour;
    public int Minute;
    public int Second;
    public long FractionTicks;
    public TimeSpan? Offset;

    public static TemporalParts Start => new() { Year = 1900, Month = 1, Day = 1 };

    public readonly DateOnly Date => new(Year, Month, Day);

    public readonly TimeOnly Time => new(new TimeOnly(Hour, Minute, Second).Ticks + FractionTicks);
}
