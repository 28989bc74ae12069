namespace TransactionEtl.Core.Internal;

/// <summary>The spec's tax formulas, in decimal, rounded to the currency's minor unit with midpoint away from zero.</summary>
internal static class TaxCalculator
{
    private static readonly decimal[] ZeroWithScale = [0m, 0.0m, 0.00m, 0.000m, 0.0000m, 0.00000m, 0.000000m];

    internal static readonly ulong[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

    /// <summary>
    /// Tax-inclusive (gross given): tax = round(amount * rate / (1 + rate)), net = amount - tax, gross = amount.
    /// Tax-exclusive (net given): tax = round(amount * rate), net = amount, gross = amount + tax.
    /// The three results carry exactly <paramref name="minorUnit"/> decimals (10.5 EUR is stored as 10.50).
    /// </summary>
    public static (decimal Net, decimal Tax, decimal Gross) Compute(decimal amount, decimal rate, bool includesTax, int minorUnit) =>
        Compute(amount, new TaxRate(rate), includesTax, minorUnit);

    /// <summary><see cref="Compute(decimal, decimal, bool, int)"/> with the rate's parts worked out beforehand (once per rule).</summary>
    public static (decimal Net, decimal Tax, decimal Gross) Compute(decimal amount, in TaxRate rate, bool includesTax, int minorUnit)
    {
        if (!TryTaxUnits(amount, rate, includesTax, minorUnit, out ulong units, out ulong amountUnits))
        {
            return Totals(amount, TaxInDecimal(amount, rate.Value, includesTax, minorUnit), includesTax, minorUnit);
        }
        bool negative = decimal.IsNegative(amount); // the amount is not zero here
        decimal tax = Units(units, negative && (units != 0 || ZeroTaxKeepsSign(amount, rate, includesTax, minorUnit)), minorUnit);
        // The totals in minor units too: amount and tax have one sign, and their sum or difference is exact in 64 bits
        // unless it wraps. A difference of zero goes to decimal, which decides the sign of a zero.
        ulong other = includesTax ? amountUnits - units : amountUnits + units;
        if (other == 0 || (!includesTax && other < units))
        {
            return Totals(amount, tax, includesTax, minorUnit);
        }
        decimal given = Units(amountUnits, negative, minorUnit);
        decimal computed = Units(other, negative, minorUnit);
        return includesTax ? (computed, tax, given) : (given, tax, computed);
    }

    /// <summary>A decimal of <paramref name="units"/> minor units: exactly <paramref name="minorUnit"/> decimals.</summary>
    private static decimal Units(ulong units, bool negative, int minorUnit) =>
        new((int)(uint)units, (int)(uint)(units >> 32), 0, negative, (byte)minorUnit);

    /// <summary>The formulas in decimal arithmetic alone: what <see cref="Compute(decimal, decimal, bool, int)"/> gives for every input, bit for bit.</summary>
    internal static (decimal Net, decimal Tax, decimal Gross) ComputeInDecimal(decimal amount, decimal rate, bool includesTax, int minorUnit) =>
        Totals(amount, TaxInDecimal(amount, rate, includesTax, minorUnit), includesTax, minorUnit);

    public static decimal Round(decimal value, int minorUnit) => decimal.Round(value, minorUnit, MidpointRounding.AwayFromZero);

    private static decimal TaxInDecimal(decimal amount, decimal rate, bool includesTax, int minorUnit) => includesTax
        ? Round(amount * rate / (1 + rate), minorUnit)
        : Round(amount * rate, minorUnit);

    private static (decimal Net, decimal Tax, decimal Gross) Totals(decimal amount, decimal tax, bool includesTax, int minorUnit)
    {
        decimal net = includesTax ? amount - tax : amount;
        decimal gross = includesTax ? amount : amount + tax;
        return (Scale(net, minorUnit), Scale(tax, minorUnit), Scale(gross, minorUnit));
    }

    /// <summary>
    /// The tax's magnitude in minor units, in 64-bit integers: with amount = A / 10^s and rate = R / 10^d, the tax is
    /// A R 10^(minor - s) / D minor units, D = 10^d + R (gross given) or 10^d (net given), rounded half away from zero
    /// by the remainder. False (the decimal formula then computes it) unless every operand is in the common domain,
    /// where the two agree exactly: the decimal product is exact, and its quotient keeps at least 28 digits while an
    /// inexact one lies at least 1/(2D) from a midpoint (D at most 2 10^6, the quotient below 2^64 minor units).
    /// An amount of zero goes to decimal, which decides the signs of its zeros; so does a rate of zero on an amount
    /// of more than 32 bits (see <see cref="ZeroTaxKeepsSign"/>).
    /// </summary>
    private static bool TryTaxUnits(decimal amount, in TaxRate rate, bool includesTax, int minorUnit, out ulong units, out ulong amountUnits)
    {
        units = 0;
        amountUnits = 0;
        int amountScale = amount.Scale;
        if (amountScale > minorUnit || minorUnit >= PowersOfTen.Length || rate.One == 0)
        {
            return false;
        }
        var amountParts = DecimalParts.Of(amount);
        ulong mantissa = amountParts.Low;
        if (amountParts.High != 0 || mantissa == 0 || (rate.Units == 0 && mantissa > uint.MaxValue))
        {
            return false;
        }
        // The amount in minor units, then the product: each checked, as a rate of zero no longer bounds the first.
        if (Math.BigMul(mantissa, PowersOfTen[minorUnit - amountScale], out amountUnits) != 0
            || Math.BigMul(amountUnits, rate.Units, out ulong numerator) != 0)
        {
            return false;
        }
        ulong divisor = includesTax ? rate.One + rate.Units : rate.One;
        (ulong quotient, ulong remainder) = Math.DivRem(numerator, divisor);
        units = remainder >= divisor - remainder ? quotient + 1 : quotient;
        return true;
    }

    /// <summary>
    /// Whether a tax of zero on a negative amount is a negative zero, as the decimal formulas leave it (measured
    /// against them on millions of inputs, and checked bit for bit by TaxCalculatorIntegerTests). A rate above zero
    /// gives a nonzero quotient, which rounds to a zero of the amount's sign at the minor unit's scale. A rate of zero
    /// gives a zero of the amount's sign whose scale is the product's (s + d, net given) or the quotient's (s, gross
    /// given); rounding keeps it, and when that scale is below the minor unit, Scale's positive zero makes it positive.
    /// (The decimal product of a 64-bit amount and a zero is a plain positive zero: TryTaxUnits leaves those to decimal.)
    /// </summary>
    private static bool ZeroTaxKeepsSign(decimal amount, in TaxRate rate, bool includesTax, int minorUnit) =>
        rate.Units != 0 || (includesTax ? amount.Scale : amount.Scale + rate.Scale) >= minorUnit;

    // Adding a zero of scale k raises the scale to at least k without changing the value; amounts never carry more
    // decimals than the minor unit (checked before), so the result has exactly k. Most values have k already, and
    // then the addition (a third of the tax step's time) would give back the same bits.
    // Stryker disable once all : equivalent, adding or subtracting that zero always gives the same value and scale (docs/testing.md)
    private static decimal Scale(decimal value, int minorUnit) => value.Scale == minorUnit ? value : value + ZeroWithScale[minorUnit];
}
