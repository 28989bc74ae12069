namespace TransactionEtl.Core.Internal;

/// <summary>
/// The <c>duration</c> type's lexical form: XML Schema's <c>duration</c>, which the Table Schema v2 standard inlines
/// ("PnYnMnDTnHnMnS"; parts that are zero may be left out, an optional leading <c>-</c> negates the whole), read
/// into an <see cref="IsoDuration"/>.
/// </summary>
/// <remarks>
/// frictionless-py reads durations with <c>isodate.parse_duration</c>, which also takes <c>PnW</c> (ISO 8601 weeks);
/// so does this, as 7 days. Fractions are allowed on seconds only, as XML Schema says (isodate would also take
/// <c>P0.5Y</c>, which has no exact interval), and at most 6 digits, the microseconds PostgreSQL keeps.
/// </remarks>
internal static class DurationText
{
    public const string Expected =
        "expected an ISO 8601 duration PnYnMnDTnHnMnS such as P1Y2M10DT2H30M or PT0.5S (or PnW), with an optional leading -";

    private const long MicrosecondsPerSecond = 1_000_000;

    public static bool TryParse(ReadOnlySpan<char> s, out IsoDuration duration)
    {
        duration = default;
        bool negative = s.Length > 0 && s[0] == '-';
        if (negative)
        {
            s = s[1..];
        }
        if (s.Length < 3 || s[0] != 'P')
        {
            return false;
        }
        s = s[1..];
        if (s[^1] == 'W')
        {
            return TryWeeks(s[..^1], negative, out duration);
        }
        long months = 0, days = 0, micros = 0;
        bool inTime = false, any = false;
        int order = 0;
        while (!s.IsEmpty)
        {
            if (s[0] == 'T')
            {
                if (inTime || s.Length == 1)
                {
                    return false;
                }
                inTime = true;
                order = 3; // the time parts rank after every date part
                s = s[1..];
                continue;
            }
            if (!TryPart(ref s, inTime, ref order, out long whole, out long fraction, out char designator))
            {
                return false;
            }
            any = true;
            switch (designator)
            {
                case 'Y': months += whole * 12; break;
                case 'M' when !inTime: months += whole; break;
                case 'D': days += whole; break;
                case 'H': micros += whole * 3600 * MicrosecondsPerSecond; break;
                case 'M': micros += whole * 60 * MicrosecondsPerSecond; break;
                default: micros += (whole * MicrosecondsPerSecond) + fraction; break;
            }
            if (months > int.MaxValue || days > int.MaxValue)
            {
                return false;
            }
        }
        duration = negative ? new IsoDuration(-(int)months, -(int)days, -micros) : new IsoDuration((int)months, (int)days, micros);
        return any;
    }

    /// <summary>One <c>n</c> and its designator; a fraction (up to 6 digits, in microseconds) only before <c>S</c>.</summary>
    private static bool TryPart(ref ReadOnlySpan<char> s, bool inTime, ref int order, out long whole, out long fraction, out char designator)
    {
        whole = 0;
        fraction = 0;
        designator = '\0';
        int i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            if (i >= 9)
            {
                return false; // 9 digits of hours still fit in microseconds in 64 bits, and of years in months
            }
            whole = (whole * 10) + (s[i++] - '0');
        }
        if (i == 0 || i == s.Length)
        {
            return false;
        }
        int fractionDigits = 0;
        if (s[i] == '.')
        {
            for (i++; i < s.Length && char.IsAsciiDigit(s[i]); i++, fractionDigits++)
            {
                if (fractionDigits == 6)
                {
                    return false;
                }
                fraction = (fraction * 10) + (s[i] - '0');
            }
            if (fractionDigits == 0 || i == s.Length || s[i] != 'S')
            {
                return false;
            }
            for (int d = fractionDigits; d < 6; d++)
            {
                fraction *= 10;
            }
        }
        designator = s[i];
        // Ranks Y 1, M 2, D 3, (T), H 4, M 5, S 6: each part after the one before it, at most once.
        int index = (inTime ? "HMS" : "YMD").IndexOf(designator);
        int rank = index + (inTime ? 4 : 1);
        if (index < 0 || rank <= order)
        {
            return false;
        }
        order = rank;
        s = s[(i + 1)..];
        return true;
    }

    private static bool TryWeeks(ReadOnlySpan<char> s, bool negative, out IsoDuration duration)
    {
        duration = default;
        if (s.IsEmpty || s.Length > 8)
        {
            return false;
        }
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        int days = int.Parse(s, provider: System.Globalization.CultureInfo.InvariantCulture) * 7;
        duration = new IsoDuration(0, negative ? -days : days, 0);
        return true;
    }
}
