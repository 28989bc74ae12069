namespace TransactionEtl.Core.Internal;

/// <summary>
/// A tax rate as TaxCalculator's integer path reads it, R / 10^d: worked out once per rule the validator remembers
/// (<see cref="TaxRuleCache"/>) instead of from the decimal's bits on every row (issue 19).
/// </summary>
internal readonly struct TaxRate
{
    /// <summary>The rate itself, for the decimal formulas.</summary>
    public readonly decimal Value;

    /// <summary>R, the rate's units.</summary>
    public readonly ulong Units;

    /// <summary>10^d; zero when the rate is outside the integer path's domain (then decimal computes every tax).</summary>
    public readonly ulong One;

    /// <summary>d, the rate's decimals.</summary>
    public readonly int Scale;

    public TaxRate(decimal value)
    {
        Value = value;
        var parts = DecimalParts.Of(value);
        Scale = value.Scale;
        Units = parts.Low;
        // 0 <= rate <= 1 with at most 6 decimals, from its bits (no sign, 64-bit units): the rules' domain (rate <= 1).
        bool inDomain = Scale < TaxCalculator.PowersOfTen.Length && parts.High == 0 && parts.Flags >= 0
            && Units <= TaxCalculator.PowersOfTen[Math.Min(Scale, TaxCalculator.PowersOfTen.Length - 1)];
        One = inDomain ? TaxCalculator.PowersOfTen[Scale] : 0;
    }
}
