using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>The numeric fields: PostgreSQL's base-10000 form of a decimal.</summary>
internal sealed partial class BinaryCopyWriter
{
    private const ushort NumericPositive = 0x0000;
    private const ushort NumericNegative = 0x4000;
    private const int NumericHeader = 4 * sizeof(short);
    // A mantissa below 10^13 stays below 10^16, four base-10000 groups, when padded by up to 10^3.
    private const ulong FourGroupsLimit = 10_000_000_000_000;

    /// <summary>
    /// numeric: base-10000 digits, most significant first, with the weight (power of 10000) of the first, the sign
    /// and the display scale, which is the decimal's scale, so 10.50 stays 10.50. Zero groups at either end are
    /// left out, as PostgreSQL stores them.
    /// </summary>
    internal void WriteNumeric(decimal value)
    {
        var parts = DecimalParts.Of(value);
        int scale = (parts.Flags >> 16) & 0xFF;
        // Padding the scale up to a multiple of 4 aligns the base-10000 groups on the decimal point.
        int pad = -scale & 3;
        ulong low = parts.Low;
        ushort sign = parts.Flags < 0 ? NumericNegative : NumericPositive;
        if (parts.High != 0 || low >= FourGroupsLimit)
        {
            WriteWideNumeric(new UInt128(parts.High, low) * Pow10[pad], scale, sign);
            return;
        }

        // Every amount: below 10^16 once padded, so four groups, found with one 64-bit and two 32-bit divisions by
        // constants (multiplications) instead of a loop of divisions, and packed into one 64-bit word, 16 bits each,
        // most significant first. A zero group is 16 zero bits and a non-zero one (< 10000 < 2^14) is not, so the
        // zero bits at either end of the word count the zero groups there.
        ulong integer = low * Pow10[pad];
        // Each quotient once, the remainder from it: the compiler multiplied for / and again for % of the same value.
        uint upper = (uint)(integer / 100_000_000), lower = (uint)(integer - upper * 100_000_000UL);
        uint upperHigh = upper / 10_000, lowerHigh = lower / 10_000;
        ulong groups = ((ulong)upperHigh << 48) | ((ulong)(upper - upperHigh * 10_000) << 32) | ((ulong)lowerHigh << 16) | (lower - lowerHigh * 10_000);
        // Shifts, not divisions: the counts are never negative, which a signed division would have to allow for.
        int leading = groups == 0 ? 4 : BitOperations.LeadingZeroCount(groups) >> 4;
        int digits = groups == 0 ? 0 : 4 - leading - (BitOperations.TrailingZeroCount(groups) >> 4);
        int weight = digits == 0 ? 0 : 4 - leading - ((scale + pad) >> 2) - 1;

        // The whole 64-bit word goes into the buffer; only the digits' bytes count, the rest is overwritten next.
        ref byte field = ref Room(FieldLength + NumericHeader + sizeof(ulong));
        WriteBigEndian(ref field, NumericHeader + digits * sizeof(short));
        WriteBigEndian(ref Unsafe.Add(ref field, FieldLength), (long)NumericHeaderOf(digits, weight, digits == 0 ? NumericPositive : sign, scale));
        WriteBigEndian(ref Unsafe.Add(ref field, FieldLength + NumericHeader), (long)(groups << (16 * leading)));
        _position += FieldLength + NumericHeader + digits * sizeof(short);
    }

    /// <summary>A numeric whose padded integer has more than four base-10000 groups (at most eight: 2^96 * 1000 &lt; 10^32).</summary>
    private void WriteWideNumeric(UInt128 integer, int scale, ushort sign)
    {
        Span<short> groups = stackalloc short[8];
        int count = 0;
        for (; integer != 0; integer /= 10_000)
        {
            groups[count++] = (short)(ulong)(integer % 10_000);
        }

        // groups[0] is the least significant; the most significant has weight count - fractionGroups - 1.
        int weight = count - (scale + (-scale & 3)) / 4 - 1;
        int skip = 0;
        while (groups[skip] == 0)
        {
            skip++;
        }

        int digits = count - skip;
        var span = Field(NumericHeader + digits * sizeof(short));
        BinaryPrimitives.WriteUInt64BigEndian(span, NumericHeaderOf(digits, weight, sign, scale));
        for (int i = 0; i < digits; i++)
        {
            BinaryPrimitives.WriteInt16BigEndian(span[(NumericHeader + 2 * i)..], groups[count - 1 - i]);
        }
    }

    // ndigits, weight, sign and dscale, 16 bits each, in the order numeric_send writes them.
    private static ulong NumericHeaderOf(int digits, int weight, ushort sign, int scale) =>
        ((ulong)(ushort)digits << 48) | ((ulong)(ushort)(short)weight << 32) | ((ulong)sign << 16) | (ushort)scale;

    // 10^pad for pad 0-3.
    private static ReadOnlySpan<uint> Pow10 => [1, 10, 100, 1000];
}
