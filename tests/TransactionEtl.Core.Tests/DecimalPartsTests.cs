using FsCheck.Xunit;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

public sealed class DecimalPartsTests
{
    [Theory]
    [InlineData(1, 2, 3, true, 5)]
    [InlineData(-1, -1, -1, false, 28)]
    [InlineData(0, 0, 0, true, 0)]
    [InlineData(123456789, 0, 0, false, 4)]
    public void Reads_the_fields_decimal_GetBits_gives(int low, int middle, int high, bool negative, byte scale) =>
        Assert.True(SameAsGetBits(new decimal(low, middle, high, negative, scale)));

    [Property(MaxTest = 200)]
    public bool Reads_any_decimal_as_GetBits_does(int low, int middle, int high, bool negative, byte scale) =>
        SameAsGetBits(new decimal(low, middle, high, negative, (byte)(scale % 29)));

    private static bool SameAsGetBits(decimal value)
    {
        var bits = decimal.GetBits(value);
        var parts = DecimalParts.Of(value);
        return parts.Flags == bits[3] && parts.High == (uint)bits[2] && parts.Low == ((uint)bits[0] | ((ulong)(uint)bits[1] << 32));
    }
}
