using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// TaxCalculator computes most taxes in 64-bit integers (issue 19: decimal division and rounding were ~2 % of a load's
/// client CPU) and the rest in decimal. Its results must be the decimal formulas' bit for bit: value, scale and sign,
/// a negative zero included.
/// </summary>
public class TaxCalculatorIntegerTests
{
    private static readonly int[] MinorUnits = [0, 2, 3, 4];

    [ScaledProperty(3000)]
    public Property Integer_taxes_are_the_decimal_formulas_bit_for_bit() =>
        Prop.ForAll(AnyInput().ToArbitrary(), c => AssertSameBits(c.Amount, c.Rate, c.IncludesTax, c.Minor));

    // Small amounts and round rates put the exact tax on a midpoint, or on zero, often.
    [ScaledProperty(3000)]
    public Property Integer_taxes_are_the_decimal_formulas_bit_for_bit_on_midpoints_and_zeros() =>
        Prop.ForAll(MidpointRichInput().ToArbitrary(), c => AssertSameBits(c.Amount, c.Rate, c.IncludesTax, c.Minor));

    [Theory]
    [InlineData("0.10", "0.05", false, 2)] // 0.005: a midpoint, away from zero
    [InlineData("-0.10", "0.05", false, 2)]
    [InlineData("3", "0.2", true, 0)] // 0.5
    [InlineData("-3", "0.2", true, 0)]
    [InlineData("0.01", "1", true, 2)] // 0.005 -> 0.01, net 0.00
    [InlineData("-0.01", "1", true, 2)] // net a zero of either sign
    [InlineData("0.02", "0.19", true, 2)] // a tax of zero (decimal decides its sign)
    [InlineData("-0.02", "0.19", true, 2)]
    [InlineData("-0", "0.19", false, 2)] // a negative zero amount
    [InlineData("0", "0", false, 2)]
    [InlineData("12.5", "0.19", false, 2)] // fewer decimals than the minor unit
    [InlineData("18446744073709551615", "0.5", false, 0)] // the largest 64-bit amount: the product overflows, decimal computes it
    [InlineData("9999999999999999.9999", "0.999999", true, 4)]
    [InlineData("100", "1.5", true, 2)] // a rate above 1: decimal
    [InlineData("1.234", "0.19", false, 2)] // more decimals than the minor unit: decimal
    [InlineData("100", "0.1234567", false, 2)] // seven rate decimals: decimal
    public void Worked_examples_are_the_decimal_formulas_bit_for_bit(string amount, string rate, bool includesTax, int minorUnit) =>
        AssertSameBits(decimal.Parse(amount, CultureInfo.InvariantCulture), decimal.Parse(rate, CultureInfo.InvariantCulture), includesTax, minorUnit);

    // The net and gross are computed in minor units as well: a gross past 2^64, and a net of zero (whose sign decimal
    // decides), go to decimal.
    [Theory]
    [InlineData("9223372036854775808", "1", false, 0)] // gross 2^64 wraps to zero
    [InlineData("9223372036854775809", "1", false, 0)] // gross past 2^64
    [InlineData("18446744073709551.615", "0.000001", false, 3)] // the largest amount whose product fits
    [InlineData("1844674407370955.1615", "0.5", false, 4)]
    [InlineData("-9223372036854775809", "1", false, 0)]
    [InlineData("0.01", "1", true, 2)] // net 0.00
    [InlineData("-0.01", "1", true, 2)]
    [InlineData("-12.5", "0.19", true, 2)] // net and gross of a negative amount with fewer decimals than the minor unit
    [InlineData("-12.5", "0.19", false, 3)]
    public void Totals_in_minor_units_are_the_decimal_formulas_bit_for_bit(string amount, string rate, bool includesTax, int minorUnit) =>
        AssertSameBits(decimal.Parse(amount, CultureInfo.InvariantCulture), decimal.Parse(rate, CultureInfo.InvariantCulture), includesTax, minorUnit);

    private static bool AssertSameBits(decimal amount, decimal rate, bool includesTax, int minorUnit)
    {
        var fast = TaxCalculator.Compute(amount, rate, includesTax, minorUnit);
        var exact = TaxCalculator.ComputeInDecimal(amount, rate, includesTax, minorUnit);
        Assert.Equal(Bits(exact.Net), Bits(fast.Net));
        Assert.Equal(Bits(exact.Tax), Bits(fast.Tax));
        Assert.Equal(Bits(exact.Gross), Bits(fast.Gross));
        return true;
    }

    private static string Bits(decimal d) => string.Join(' ', decimal.GetBits(d).Select(b => b.ToString("x8", CultureInfo.InvariantCulture)));

    private sealed record Input(decimal Amount, decimal Rate, bool IncludesTax, int Minor)
    {
        public override string ToString() => $"amount {Amount}, rate {Rate}, {(IncludesTax ? "gross" : "net")} given, minor unit {Minor}";
    }

    // Amounts of up to 20 digits (past 2^64) at any scale up to 5, rates of up to 7 decimals and up to 2, signs and
    // zeros of both signs: inside and outside the integer path's domain.
    private static Gen<Input> AnyInput() =>
        from minor in Gen.Elements(MinorUnits)
        from scale in Gen.Choose(0, 5)
        from digits in Gen.Choose(1, 20)
        from units in Gen.Choose(0, 9).ArrayOf(digits).Select(ds => ds.Aggregate(0m, (n, d) => (n * 10) + d))
        from negative in Gen.Elements(false, true)
        from rateScale in Gen.Choose(0, 7)
        from rateUnits in Gen.Choose(0, 2 * (int)Math.Pow(10, rateScale))
        from includesTax in Gen.Elements(false, true)
        select new Input(new decimal(Lo(units), Mid(units), Hi(units), negative, (byte)scale), new decimal(rateUnits, 0, 0, false, (byte)rateScale), includesTax, minor);

    private static Gen<Input> MidpointRichInput() =>
        from minor in Gen.Elements(MinorUnits)
        from units in Gen.Choose(-300, 300)
        from rate in Gen.Elements(0m, 0.05m, 0.1m, 0.125m, 0.19m, 0.2m, 0.25m, 0.5m, 0.6m, 0.0725m, 0.075m, 0.14975m, 1m, 1.000m)
        from includesTax in Gen.Elements(false, true)
        select new Input(new decimal(Math.Abs(units), 0, 0, units < 0, (byte)minor), rate, includesTax, minor);

    private static int Lo(decimal units) => decimal.GetBits(units)[0];

    private static int Mid(decimal units) => decimal.GetBits(units)[1];

    private static int Hi(decimal units) => decimal.GetBits(units)[2];
}
