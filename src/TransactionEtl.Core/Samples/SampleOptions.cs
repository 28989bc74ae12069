namespace TransactionEtl.Core.Samples;

/// <summary>What <see cref="SampleGenerator"/> writes.</summary>
public sealed class SampleOptions
{
    /// <summary>Number of data rows (the header is extra).</summary>
    public long Rows { get; init; } = 1000;

    /// <summary>Seed of the pseudo-random sequence: the same seed gives the same file.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Probability (0..1) that a row is deliberately broken (bad amount, unknown currency, ...).</summary>
    public double FaultRate { get; init; }
}
