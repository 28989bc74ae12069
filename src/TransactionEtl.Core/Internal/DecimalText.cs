using System.Globalization;
using System.Runtime.CompilerServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The spec's amount grammar <c>[+-]?digits[.digits]</c>: no grouping separators, no exponent, no currency symbol,
/// no leading or trailing dot. Checked by hand because <see cref="decimal.TryParse(string, out decimal)"/> accepts
/// more than that.
/// </summary>
internal static class DecimalText
{
    public const string Expected = "expected digits with an optional sign and '.' as decimal point, e.g. -12.50 (no grouping separators, exponent or currency symbol)";

    /// <summary>Parses; <paramref name="decimals"/> is the number of digits after the point as written.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out decimal value, out int decimals)
    {
        value = 0;
        decimals = 0;
        int i = 0;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            i = 1;
        }
        int intStart = i;
        // The digits as one integer, while they are checked: exact up to 19 digits (ulong), wrapped beyond (unused then).
        ulong integer = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            integer = (integer * 10) + (uint)(s[i] - '0');
            i++;
        }
        if (i == intStart)
        {
            return false;
        }
        // Counted in a local, and given to the out parameter once: a store through it and a load back per use cost
        // as much as the test.
        int scale = 0;
        if (i < s.Length)
        {
            if (s[i] != '.')
            {
                return false;
            }
            int fracStart = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                integer = (integer * 10) + (uint)(s[i] - '0');
                i++;
            }
            scale = i - fracStart;
            decimals = scale;
            if (scale == 0 || i != s.Length)
            {
                return false;
            }
        }
        int digits = i - intStart - (scale > 0 ? 1 : 0);
        if (digits <= 19)
        {
            // Up to 19 digits fit a ulong: build the decimal from its integer and scale, bit for bit what
            // decimal.TryParse returns (that general parser was ~4 % of a load's client CPU).
            value = new decimal((int)(uint)integer, (int)(uint)(integer >> 32), 0, s[0] == '-', (byte)scale);
            return true;
        }
        return TryParseLong(s, intStart, scale, out value);
    }

    /// <summary>More than 19 digits: checked for what a decimal holds, then parsed by the BCL.</summary>
    // Apart from TryParse, whose every call zeroed this path's locals and checked a stack cookie (~30 instructions of
    // ~150 per amount) for a number that almost never has 20 digits.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryParseLong(ReadOnlySpan<char> s, int intStart, int decimals, out decimal value)
    {
        value = 0;
        // decimal holds 28-29 significant digits; longer numbers fail here rather than being rounded silently.
        int significant = s[intStart..].TrimStart('0').Length - (decimals > 0 ? 1 : 0);
        return significant <= 28
            && decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary><c>[+-]?digits</c> into a 64-bit integer.</summary>
    public static bool TryParseInteger(string s, out long value)
    {
        value = 0;
        int i = s.Length > 0 && (s[0] == '+' || s[0] == '-') ? 1 : 0;
        if (i == s.Length)
        {
            return false;
        }
        for (int j = i; j < s.Length; j++)
        {
            if (!char.IsAsciiDigit(s[j]))
            {
                return false;
            }
        }
        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
