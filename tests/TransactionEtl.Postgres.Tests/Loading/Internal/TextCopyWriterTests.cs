using System.Globalization;
using FsCheck.Xunit;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Tests.Loading.Internal;

/// <summary>The loader's own number formatting must write what .NET's invariant formatter writes.</summary>
public class TextCopyWriterTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("0.00")]
    [InlineData("0.001")]
    [InlineData("-0.5")]
    [InlineData("12.34")]
    [InlineData("-1234567.891")]
    [InlineData("100")]
    [InlineData("0.0000000000000000000000000001")]
    [InlineData("18446744073709551615")]
    [InlineData("18446744073709551616")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("-7922816251426433759354395.0335")]
    public void Formats_a_decimal_as_the_invariant_formatter(string text)
    {
        var value = decimal.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(value.ToString(CultureInfo.InvariantCulture), Format(value));
    }

    // Any 96-bit integer, sign and scale; the upper 32 bits are zero in two thirds of the cases, as in every amount.
    [Property(MaxTest = 2000)]
    public bool Formats_any_decimal_as_the_invariant_formatter(int low, int middle, int high, bool negative, byte scale)
    {
        var value = new decimal(low, middle, high % 3 == 0 ? high : 0, negative, (byte)(scale % 29));
        return Format(value) == value.ToString(CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Keeps_the_scale_of_a_decimal_past_the_buffer_end()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var writer = new TextCopyWriter(text);
        for (var i = 0; i < 10_000; i++)
        {
            writer.AppendDecimal(-12.340m);
        }

        writer.Flush();
        Assert.Equal(string.Concat(Enumerable.Repeat("-12.340", 10_000)), text.ToString());
    }

    private static string Format(decimal value)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var writer = new TextCopyWriter(text);
        writer.AppendDecimal(value);
        writer.Flush();
        return text.ToString();
    }
}
