namespace TransactionEtl.Core.Internal;

/// <summary>The spec's tax formulas, in decimal, rounded to the currency's minor unit with midpoint away from zero.</summary>
internal static class TaxCalculator
{
    private static readonly decimal[] ZeroWithScale = [0m, 0.0m, 0.00m, 0.000m, 0.0000m, 0.00000m, 0.000000m];

    /// <summary>
    /// Tax-inclusive (gross given): tax = round(amount * rate / (1 + rate)), net = amount - tax, gross = amount.
    /// Tax-exclusive (net given): tax = round(amount * rate), net = amount, gross = amount + tax.
    /// The three results carry exactly <paramref name="minorUnit"/> decimals (10.5 EUR is stored as 10.50).
    /// </summary>
    public static (decimal Net, decimal Tax, decimal Gross) Compute(decimal amount, decimal rate, bool includesTax, int minorUnit)
    {
        decimal tax = includesTax
            ? Round(amount * rate / (1 + rate), minorUnit)
            : Round(amount * rate, minorUnit);
        decimal net = includesTax ? amount - tax : amount;
        decimal gross = includesTax ? amount : amount + tax;
        return (Scale(net, minorUnit), Scale(tax, minorUnit), Scale(gross, minorUnit));
    }

    public static decimal Round(decimal value, int minorUnit) => decimal.Round(value, minorUnit, MidpointRounding.AwayFromZero);

    // Adding a zero of scale k raises the scale to at least k without changing the value; amounts never carry more
    // decimals than the minor unit (checked before), so the result has exactly k. Most values have k already, and
    // then the addition (a third of the tax step's time) would give back the same bits.
    // Stryker disable once all : equivalent, adding or subtracting that zero always gives the same value and scale (docs/testing.md)
    private static decimal Scale(decimal value, int minorUnit) => value.Scale == minorUnit ? value : value + ZeroWithScale[minorUnit];
}
