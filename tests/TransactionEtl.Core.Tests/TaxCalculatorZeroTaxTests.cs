using System.Globalization;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// A tax of zero (a zero rate, or an amount too small to be taxed) is computed in minor units too (issue 19: rows of
/// zero-rated goods, and of Kuwait, went through the decimal formulas). Its sign and scale must be the decimal formulas'
/// bit for bit; these examples put each case of that rule side by side with them (TaxCalculatorIntegerTests tries
/// random ones).
/// </summary>
public class TaxCalculatorZeroTaxTests
{
    [Theory]
    [InlineData("-1", "0", true, 2)] // the quotient's scale (0) below the minor unit: decimal's zero is positive
    [InlineData("-1", "0.00", true, 0)] // at the minor unit: negative
    [InlineData("-1", "0.00", false, 2)] // the product's scale (0 + 2) at the minor unit: negative
    [InlineData("-1", "0.0", false, 2)] // 0 + 1, below: positive
    [InlineData("-0.02", "0.0000", false, 3)] // 2 + 4, above: negative
    [InlineData("-55.7", "0", true, 3)]
    [InlineData("-55.700", "0", true, 3)]
    [InlineData("55.7", "0.00", false, 3)]
    [InlineData("-4294967295", "0.00", false, 2)] // the largest 32-bit amount
    [InlineData("-4294967296", "0.00", false, 2)] // past 32 bits decimal's product of a zero rate is a plain zero: decimal computes it
    [InlineData("-18446744073709551615", "0", false, 0)]
    [InlineData("-0.02", "0.19", true, 2)] // a rate above zero: the quotient rounds to a zero of the amount's sign
    [InlineData("-0.02", "0.19", false, 2)]
    [InlineData("-1", "0.000001", false, 4)]
    [InlineData("-0", "0", false, 2)] // an amount of zero: decimal
    [InlineData("0.00", "0.07", true, 2)]
    public void Zero_taxes_are_the_decimal_formulas_bit_for_bit(string amount, string rate, bool includesTax, int minorUnit)
    {
        decimal a = decimal.Parse(amount, CultureInfo.InvariantCulture), r = decimal.Parse(rate, CultureInfo.InvariantCulture);
        var fast = TaxCalculator.Compute(a, r, includesTax, minorUnit);
        var exact = TaxCalculator.ComputeInDecimal(a, r, includesTax, minorUnit);
        Assert.Equal(0m, exact.Tax);
        Assert.Equal(decimal.GetBits(exact.Net), decimal.GetBits(fast.Net));
        Assert.Equal(decimal.GetBits(exact.Tax), decimal.GetBits(fast.Tax));
        Assert.Equal(decimal.GetBits(exact.Gross), decimal.GetBits(fast.Gross));
    }

    [Theory]
    [InlineData("0.19", 19UL, 100UL, 2)]
    [InlineData("0", 0UL, 1UL, 0)]
    [InlineData("0.000000", 0UL, 1_000_000UL, 6)]
    [InlineData("1", 1UL, 1UL, 0)]
    [InlineData("1.000", 1000UL, 1000UL, 3)]
    [InlineData("0.14975", 14975UL, 100_000UL, 5)]
    public void A_rate_in_the_integer_domain_has_its_units_and_one(string rate, ulong units, ulong one, int scale)
    {
        var parts = new TaxRate(decimal.Parse(rate, CultureInfo.InvariantCulture));
        Assert.Equal((units, one, scale), (parts.Units, parts.One, parts.Scale));
    }

    [Theory]
    [InlineData("1.5")] // above 1
    [InlineData("0.1234567")] // seven decimals
    [InlineData("-0.19")]
    [InlineData("-0")]
    [InlineData("18446744073709551616")] // past 64 bits
    public void A_rate_outside_the_integer_domain_has_no_one(string rate) =>
        Assert.Equal(0UL, new TaxRate(decimal.Parse(rate, CultureInfo.InvariantCulture)).One);
}
