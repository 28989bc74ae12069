namespace TransactionEtl.Core.Internal;

/// <summary>The spec's tax formulas, in decimal, rounded to the currency's minor unit with midpoint away from zero.</summary>
internal static class TaxCalculator
{
    private static readonly decimal[] ZeroWithScale = [0m, 0.0m, 0.00m, 0.000m, 0.0000m, 0.00000m, 0.000000m];

    private static readonly ulong[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

    /// <summary>
    /// Tax-inclusive (gross given): tax = round(amount * rate / (1 + rate)), net = amount - tax, gross = amount.
    /// Tax-exclusive (net given): tax = round(amount * rate), net = amount, gross = amount + tax.
    /// The three results carry exactly <paramref name="minorUnit"/> decimals (10.5 EUR is stored as 10.50).
    /// </summary>
    public static (decimal Net, decimal Tax, decimal Gross) Compute(decimal amount, decimal rate, bool includesTax, int minorUnit)
    {
        if (!TryTaxUnits(amount, rate, includesTax, minorUnit, out ulong units, out ulong amountUnits))
        {
            return Totals(amount, TaxInDecimal(amount, rate, includesTax, minorUnit), includesTax, minorUnit);
        }
        bool negative = decimal.IsNegative(amount); // the amount is not zero here (its tax is not)
        decimal tax = Units(units, negative, minorUnit);
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

    /// <summary>The formulas in decimal arithmetic alone: what <see cref="Compute"/> gives for every input, bit for bit.</summary>
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
    /// A tax of zero also goes to decimal, which decides the sign of a zero.
    /// </summary>
    private static bool TryTaxUnits(decimal amount, decimal rate, bool includesTax, int minorUnit, out ulong units, out ulong amountUnits)
    {
        units = 0;
        amountUnits = 0;
        int amountScale = amount.Scale;
        int rateScale = rate.Scale;
        if (amountScale > minorUnit || minorUnit >= PowersOfTen.Length || rateScale >= PowersOfTen.Length)
        {
            return false;
        }
        var rateParts = DecimalParts.Of(rate);
        ulong rateUnits = rateParts.Low;
        ulong rateOne = PowersOfTen[rateScale];
        // rate > 0 from its bits (a negative sign or no units), without a decimal comparison.
        if (rateParts.High != 0 || rateParts.Flags < 0 || rateUnits == 0 || rateUnits > rateOne)
        {
            return false; // a rate above 1 is outside the rules' domain (rate <= 1)
        }
        var amountParts = DecimalParts.Of(amount);
        if (amountParts.High != 0)
        {
            return false;
        }
        ulong mantissa = amountParts.Low;
        ulong scale = PowersOfTen[minorUnit - amountScale];
        ulong high = Math.BigMul(mantissa, rateUnits * scale, out ulong numerator);
        if (high != 0)
        {
            return false;
        }
        ulong divisor = includesTax ? rateOne + rateUnits : rateOne;
        (ulong quotient, ulong remainder) = Math.DivRem(numerator, divisor);
        units = remainder >= divisor - remainder ? quotient + 1 : quotient;
        // The amount in minor units: at most the product above (rateUnits >= 1), so it fits 64 bits too.
        amountUnits = mantissa * scale;
        return units != 0;
    }

    // Adding a zero of scale k raises the scale to at least k without changing the value; amounts never carry more
    // decimals than the minor unit (checked before), so the result has exactly k. Most values have k already, and
    // then the addition (a third of the tax step's time) would give back the same bits.
    // Stryker disable once all : equivalent, adding or subtracting that zero always gives the same value and scale (docs/testing.md)
    private static decimal Scale(decimal value, int minorUnit) => value.Scale == minorUnit ? value : value + ZeroWithScale[minorUnit];
}
