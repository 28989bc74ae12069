using System.Globalization;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// What the amount grammar refuses, the 28-digit limit of decimal on both sides, and the integer grammar.
/// (What it accepts is checked bit for bit against the framework in <see cref="DecimalTextTests"/>.)
/// </summary>
public class DecimalTextGrammarTests
{
    [Theory]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData(".5")]
    [InlineData("-.5")]
    [InlineData("5.")]
    [InlineData("-5.")]
    [InlineData("1.2.3")]
    [InlineData("1.2a")]
    [InlineData("1,5")]
    [InlineData("1,000.00")]
    [InlineData("1e5")]
    [InlineData("1E5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("+-1")]
    [InlineData("--1")]
    [InlineData("1-")]
    [InlineData("$1")]
    [InlineData("\u0661")] // ARABIC-INDIC DIGIT ONE: a digit to char.IsDigit, not to the grammar.
    [InlineData("12345678901234567890.a")]
    public void Refuses_what_is_not_digits_with_an_optional_sign_and_point(string text)
    {
        Assert.False(DecimalText.TryParse(text, out decimal value, out _), text);
        Assert.Equal(0m, value);
    }

    [Theory]
    [InlineData("1234567890123456789012345678", 0)] // 28 digits
    [InlineData("-123456789012345678901234567.8", 1)] // 28 digits around the point
    [InlineData("0.000000000000000000000000001", 27)]
    [InlineData("000000000000000000001234567890123456789012345678", 0)] // leading zeros are not significant
    [InlineData("7922816251426433759354395033", 0)] // 28 digits up to decimal.MaxValue
    public void Accepts_up_to_28_significant_digits_exactly(string text, int decimals)
    {
        Assert.True(DecimalText.TryParse(text, out decimal value, out int written), text);
        Assert.Equal(decimals, written);
        Assert.Equal(decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture), value);
        Assert.Equal(text.TrimStart('-', '0').TrimStart('.'), value.ToString(CultureInfo.InvariantCulture).TrimStart('-', '0').TrimStart('.'));
    }

    // decimal.TryParse would round these to 28-29 digits; an amount must never change silently.
    [Theory]
    [InlineData("12345678901234567890123456789")]
    [InlineData("-1234567890123456789012345678.9")]
    [InlineData("1.2345678901234567890123456789")]
    [InlineData("99999999999999999999999999999")]
    public void Refuses_more_than_28_significant_digits(string text) =>
        Assert.False(DecimalText.TryParse(text, out _, out _), text);

    [Theory]
    [InlineData("12.50", 2)]
    [InlineData("12", 0)]
    [InlineData("-0.125", 3)]
    [InlineData("+3.0000", 4)]
    public void Reports_the_decimals_as_written(string text, int decimals)
    {
        Assert.True(DecimalText.TryParse(text, out _, out int written));
        Assert.Equal(decimals, written);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("+42", 42L)]
    [InlineData("-42", -42L)]
    [InlineData("007", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Reads_integers(string text, long expected)
    {
        Assert.True(DecimalText.TryParseInteger(text, out long value), text);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1_000")]
    [InlineData("+-1")]
    [InlineData("\u0661")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    public void Refuses_what_is_not_a_64_bit_integer(string text)
    {
        Assert.False(DecimalText.TryParseInteger(text, out long value), text);
        Assert.Equal(0L, value);
    }

    [Theory]
    [InlineData("99999999999999999999")]
    [InlineData("-99999999999999999999")]
    [InlineData("18446744073709551616")]
    [InlineData("9999999999999999999.9")]
    public void Twenty_digit_amounts_take_the_exact_path_not_the_64_bit_one(string text)
    {
        // 20 digits overflow the 64-bit fast path: they must still parse to their exact value.
        Assert.True(DecimalText.TryParse(text, out decimal value, out _), text);
        Assert.Equal(decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture), value);
    }

    [Fact]
    public void An_integer_with_trailing_nul_characters_is_refused()
    {
        // long.TryParse itself accepts trailing NULs (a .NET compatibility rule); a cell holding them is not a number.
        // A fact, not a theory: NUL in a test's display name would reach the trx XML.
        Assert.False(DecimalText.TryParseInteger("5\0", out _));
        Assert.False(DecimalText.TryParseInteger("-12\0\0", out _));
    }
}
