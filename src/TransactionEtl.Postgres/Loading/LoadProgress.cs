namespace TransactionEtl.Postgres.Loading;

/// <summary>
/// Where a load stands, for progress displays: the phase, and for the reading phases the bytes read so far of
/// <see cref="Total"/>. A phase's <see cref="Done"/> never decreases; a new phase starts at 0 with its own total.
/// </summary>
/// <param name="Phase">The step the load is in.</param>
/// <param name="Done">Bytes read so far in a reading phase; 0 for a phase without a count.</param>
/// <param name="Total">The file's size when known and the phase counts bytes; else null (show the phase as busy).</param>
public readonly record struct LoadProgress(LoadPhase Phase, long Done, long? Total)
{
    /// <summary>The phase's name for people: "reading", "reading again", "checking keys", "loading staged rows", "committing".</summary>
    public string Label => Phase switch
    {
        LoadPhase.Reading => "reading",
        LoadPhase.ReadingAgain => "reading again",
        LoadPhase.CheckingKeys => "checking keys",
        LoadPhase.LoadingStagedRows => "loading staged rows",
        _ => "committing",
    };
}
