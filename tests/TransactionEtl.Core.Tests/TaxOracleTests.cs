using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// An oracle for the spec's tax formulas that shares no arithmetic with production: exact fractions of
/// <see cref="BigInteger"/>s, rounded half away from zero by integer division. TaxCalculator works in decimal,
/// whose division is inexact; within the storable domain (amounts numeric(20,4): at most 16 integer digits;
/// rates numeric(9,6): at most 6 decimals) the two must agree exactly, in value and in scale.
/// <c>gross == net + tax</c> holds by construction; these properties check the tax itself.
/// </summary>
public class TaxOracleTests
{
    /// <summary>The minor units ISO 4217 uses (JPY 0, EUR 2, BHD 3, CLF 4).</summary>
    private static readonly int[] MinorUnits = [0, 2, 3, 4];

    /// <summary>One input: amount = AmountUnits / 10^AmountScale, rate = RateUnits / 10^RateScale.</summary>
    private sealed record TaxInput(BigInteger AmountUnits, int AmountScale, BigInteger RateUnits, int RateScale, bool IncludesTax, int MinorUnit)
    {
        public string AmountText => Fixed(AmountUnits, AmountScale);

        public string RateText => Fixed(RateUnits, RateScale);

        public override string ToString() =>
            $"amount {AmountText}, rate {RateText}, {(IncludesTax ? "gross" : "net")} given, minor unit {MinorUnit}";
    }

    [ScaledProperty(3000)]
    public Property Tax_matches_exact_rational_arithmetic_over_the_storable_domain() =>
        Prop.ForAll(AnyInput().ToArbitrary(), c => AssertMatchesOracle(c));

    // Random rates rarely put the exact tax on a midpoint; these rates and small amounts do, often: 0.05 * 0.10 is
    // 0.005, and 3 * 0.2 / 1.2 is 0.5.
    [ScaledProperty(3000)]
    public Property Tax_matches_exact_rational_arithmetic_on_midpoints() =>
        Prop.ForAll(MidpointRichInput().ToArbitrary(), c => AssertMatchesOracle(c));

    [Theory]
    [InlineData("1.235", "0.10", false, 3, "0.124")] // 0.1235: a midpoint, away from zero
    [InlineData("-1.235", "0.10", false, 3, "-0.124")]
    [InlineData("10.00", "0.0725", false, 2, "0.73")] // 0.725
    [InlineData("0.10", "0.05", false, 2, "0.01")] // 0.005 (half-even would give 0.00)
    [InlineData("0.30", "0.05", false, 2, "0.02")] // 0.015
    [InlineData("3", "0.2", true, 0, "1")] // 3 * 0.2 / 1.2 = 0.5
    [InlineData("-3", "0.2", true, 0, "-1")]
    [InlineData("4", "0.6", true, 0, "2")] // 4 * 0.6 / 1.6 = 1.5
    [InlineData("100.00", "0.19", true, 2, "15.97")] // 15.966...
    [InlineData("0.02", "0.19", true, 2, "0.00")] // 0.0031...
    [InlineData("5", "1", true, 0, "3")] // 2.5
    [InlineData("9999999999999999.9999", "0.999999", true, 4, "4999997499998749.9993")] // 4999997499998749.999325: the largest storable amount and rate
    public void Oracle_and_production_agree_on_worked_examples(string amount, string rate, bool includesTax, int minorUnit, string tax)
    {
        var c = Parse(amount, rate, includesTax, minorUnit);
        Assert.Equal(tax, Fixed(ExactTaxUnits(c), minorUnit));
        AssertMatchesOracle(c);
    }

    private static bool AssertMatchesOracle(TaxInput c)
    {
        var (net, tax, gross) = TaxCalculator.Compute(
            decimal.Parse(c.AmountText, CultureInfo.InvariantCulture), decimal.Parse(c.RateText, CultureInfo.InvariantCulture), c.IncludesTax, c.MinorUnit);

        BigInteger taxUnits = ExactTaxUnits(c);
        BigInteger amountUnits = c.AmountUnits * BigInteger.Pow(10, c.MinorUnit - c.AmountScale);
        BigInteger netUnits = c.IncludesTax ? amountUnits - taxUnits : amountUnits;
        BigInteger grossUnits = c.IncludesTax ? amountUnits : amountUnits + taxUnits;

        // Compared as text: the value and the number of decimals stored (0.124, never 0.1240) are both checked.
        Assert.Equal((Fixed(netUnits, c.MinorUnit), Fixed(taxUnits, c.MinorUnit), Fixed(grossUnits, c.MinorUnit)), (Text(net), Text(tax), Text(gross)));
        return true;
    }

    /// <summary>The tax in units of the minor unit: round(amount * rate [/ (1 + rate)] * 10^minor), exactly.</summary>
    private static BigInteger ExactTaxUnits(TaxInput c)
    {
        // amount * rate = A R / 10^(s+d); divided by 1 + rate = (10^d + R) / 10^d it is A R / (10^s (10^d + R)).
        BigInteger numerator = c.AmountUnits * c.RateUnits * BigInteger.Pow(10, c.MinorUnit);
        BigInteger denominator = c.IncludesTax
            ? BigInteger.Pow(10, c.AmountScale) * (BigInteger.Pow(10, c.RateScale) + c.RateUnits)
            : BigInteger.Pow(10, c.AmountScale + c.RateScale);
        return RoundHalfAwayFromZero(numerator, denominator);
    }

    private static BigInteger RoundHalfAwayFromZero(BigInteger numerator, BigInteger denominator)
    {
        BigInteger quotient = BigInteger.DivRem(BigInteger.Abs(numerator), denominator, out BigInteger remainder);
        if (2 * remainder >= denominator)
        {
            quotient += 1;
        }
        return numerator.Sign < 0 ? -quotient : quotient;
    }

    private static Gen<TaxInput> AnyInput() =>
        from minor in Gen.Elements(MinorUnits)
        from scale in Gen.Choose(0, minor)
        from digits in Gen.Choose(1, 16 + scale)
        from amount in Digits(digits)
        from negative in Gen.Elements(false, true)
        from rateScale in Gen.Choose(0, 6)
        from rate in Digits(rateScale).Select(r => rateScale == 0 ? r % 2 : r)
        from includesTax in Gen.Elements(false, true)
        select new TaxInput(negative ? -amount : amount, scale, rate, rateScale, includesTax, minor);

    private static Gen<TaxInput> MidpointRichInput() =>
        from minor in Gen.Elements(MinorUnits)
        from amount in Gen.Choose(-5000, 5000)
        from rate in Gen.Elements("0", "0.05", "0.1", "0.125", "0.19", "0.2", "0.25", "0.5", "0.6", "0.0725", "0.075", "0.14975", "1")
        from includesTax in Gen.Elements(false, true)
        select Parse(Fixed(amount, minor), rate, includesTax, minor);

    /// <summary>A non-negative integer of exactly <paramref name="count"/> random digits (leading zeros allowed).</summary>
    private static Gen<BigInteger> Digits(int count) =>
        Gen.Choose(0, 9).ArrayOf(count).Select(ds => ds.Aggregate(BigInteger.Zero, (n, d) => (n * 10) + d));

    private static TaxInput Parse(string amount, string rate, bool includesTax, int minorUnit)
    {
        var (amountUnits, amountScale) = Units(amount);
        var (rateUnits, rateScale) = Units(rate);
        return new TaxInput(amountUnits, amountScale, rateUnits, rateScale, includesTax, minorUnit);
    }

    private static (BigInteger Units, int Scale) Units(string text)
    {
        int point = text.IndexOf('.', StringComparison.Ordinal);
        return point < 0
            ? (BigInteger.Parse(text, CultureInfo.InvariantCulture), 0)
            : (BigInteger.Parse(text.Remove(point, 1), CultureInfo.InvariantCulture), text.Length - point - 1);
    }

    /// <summary><paramref name="units"/> / 10^<paramref name="scale"/> written with exactly <paramref name="scale"/> decimals.</summary>
    private static string Fixed(BigInteger units, int scale)
    {
        string digits = BigInteger.Abs(units).ToString(CultureInfo.InvariantCulture).PadLeft(scale + 1, '0');
        string text = scale == 0 ? digits : digits[..^scale] + "." + digits[^scale..];
        return units.Sign < 0 ? "-" + text : text;
    }

    // A negative zero (the tax on -0.01 at 10 %) is the value zero; PostgreSQL's numeric has no sign on zero.
    private static string Text(decimal value) =>
        (value == 0m ? Math.Abs(value) : value).ToString(CultureInfo.InvariantCulture);
}
