using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>The amount parser must give what <see cref="decimal.TryParse(string, NumberStyles, IFormatProvider, out decimal)"/> gives, bit for bit (sign and scale included).</summary>
public class DecimalTextTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.00")]
    [InlineData("+12.50")]
    [InlineData("007.5")]
    [InlineData("9999999999999999999")]
    [InlineData("1844674407370955161.5")]
    [InlineData("0.0000000000000000001")]
    [InlineData("12345678901234567890")]
    [InlineData("-123456789012345678.0123456789")]
    public void Parses_as_the_framework_does(string text) => AssertSameAsFramework(text);

    // Up to 28 digits: both sides of the 19-digit fast path.
    [ScaledProperty(3000)]
    public Property Parses_any_amount_as_the_framework_does() =>
        Prop.ForAll(
            Gen.Elements("", "+", "-").SelectMany(sign =>
                Gen.Choose(1, 14).SelectMany(n => Gen.Elements('0', '1', '5', '9').ArrayOf(n)).SelectMany(integer =>
                    Gen.Choose(0, 14).SelectMany(n => Gen.Elements('0', '3', '9').ArrayOf(n)).Select(fraction =>
                        sign + new string(integer) + (fraction.Length == 0 ? "" : "." + new string(fraction)))))
            .ToArbitrary(),
            text =>
            {
                AssertSameAsFramework(text);
                return true;
            });

    private static void AssertSameAsFramework(string text)
    {
        Assert.True(DecimalText.TryParse(text, out var value, out int decimals), text);
        Assert.True(decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var expected));
        Assert.Equal(decimal.GetBits(expected), decimal.GetBits(value));
        Assert.Equal(text.Contains('.', StringComparison.Ordinal) ? text.Length - text.IndexOf('.', StringComparison.Ordinal) - 1 : 0, decimals);
    }
}
