using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The spec's ISO 8601 subset: <c>YYYY-MM-DD</c>, or <c>YYYY-MM-DD[T or space]HH:MM[:SS[.fraction]]</c> with an
/// optional <c>Z</c> or <c>+HH:MM</c>/<c>-HH:MM</c>. No offset means UTC; a date alone means 00:00 UTC. Hand-written
/// because the BCL parsers accept far more (names of months, culture forms) and we must refuse those.
/// </summary>
internal static class IsoTimestamp
{
    /// <summary>At most 6 fractional digits: PostgreSQL keeps microseconds, so more would be silently lost.</summary>
    public const int MaxFractionDigits = 6;

    public const string Expected = "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.ffffff]] with optional Z or +HH:MM, e.g. 2024-03-01T14:30:00+01:00";

    /// <summary>Parses <paramref name="s"/>; <paramref name="writtenDate"/> is the calendar date as written (before UTC conversion).</summary>
    // The instant is counted in ticks from the date's day number and the parts, as DateOnly.ToDateTime, TimeOnly and
    // TimeSpan would count it, without building those (their constructors' range checks repeat the ones made here;
    // issue 19).
    public static bool TryParse(ReadOnlySpan<char> s, out DateTime utc, out DateOnly writtenDate)
    {
        utc = default;
        writtenDate = default;
        if (s.Length < 10 || !TryDayNumber(s[..10], out int dayNumber))
        {
            return false;
        }
        writtenDate = DateOnly.FromDayNumber(dayNumber);
        long ticks = dayNumber * TimeSpan.TicksPerDay;
        if (s.Length > 10)
        {
            if (!TryParseTime(s, out long timeTicks, out int end) || !TryParseOffset(s[end..], out long offsetTicks))
            {
                return false;
            }
            ticks += timeTicks - offsetTicks;
            if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            {
                return false;
            }
        }
        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    /// <summary>
    /// <c>[T or space]HH:MM[:SS[.fraction]]</c> after the date (at 10) of <paramref name="s"/>, as ticks since
    /// midnight; <paramref name="end"/> is where it ends.
    /// </summary>
    // Per date/time cell: inlined so that naming the parts costs no call. Positions in s rather than a span moved
    // along by reference, which kept the span in memory (a store and a load per part).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseTime(ReadOnlySpan<char> s, out long ticks, out int end)
    {
        ticks = 0;
        end = 16;
        if (s.Length < 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':'
            || !TwoDigits(s[11..13], out int hour) || !TwoDigits(s[14..16], out int minute) || hour > 23 || minute > 59)
        {
            return false;
        }
        int second = 0;
        long fractionTicks = 0;
        if (s.Length > 16 && s[16] == ':')
        {
            if (s.Length < 19 || !TwoDigits(s[17..19], out second) || second > 59)
            {
                return false;
            }
            end = 19;
            if (s.Length > 19 && s[19] == '.')
            {
                var rest = s[19..];
                if (!TryParseFraction(ref rest, out fractionTicks))
                {
                    return false;
                }
                end = s.Length - rest.Length;
            }
        }
        ticks = (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond) + fractionTicks;
        return true;
    }

    /// <summary><c>.fraction</c> (1 to <see cref="MaxFractionDigits"/> digits) at the start of <paramref name="rest"/>, as ticks (also used by <see cref="TemporalText"/>).</summary>
    public static bool TryParseFraction(ref ReadOnlySpan<char> rest, out long fractionTicks)
    {
        fractionTicks = 0;
        int digits = 0;
        long fraction = 0;
        rest = rest[1..];
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            fraction = (fraction * 10) + (rest[digits] - '0');
            digits++;
            if (digits > MaxFractionDigits)
            {
                return false;
            }
        }
        if (digits == 0)
        {
            return false;
        }
        for (int d = digits; d < 7; d++)
        {
            fraction *= 10;
        }
        fractionTicks = fraction;
        rest = rest[digits..];
        return true;
    }

    /// <summary>All of <paramref name="rest"/>: nothing or <c>Z</c> (UTC), or <c>+HH:MM</c>/<c>-HH:MM</c> up to 14:00, as signed ticks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseOffset(ReadOnlySpan<char> rest, out long offsetTicks)
    {
        offsetTicks = 0;
        if (rest.IsEmpty || (rest.Length == 1 && rest[0] == 'Z'))
        {
            return true;
        }
        if (rest.Length == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':'
            && TwoDigits(rest[1..3], out int oh) && TwoDigits(rest[4..6], out int om) && oh <= 14 && om <= 59 && (oh < 14 || om == 0))
        {
            offsetTicks = ((oh * 60) + om) * TimeSpan.TicksPerMinute;
            if (rest[0] == '-')
            {
                offsetTicks = -offsetTicks;
            }
            return true;
        }
        return false;
    }

    /// <summary>Exactly <c>YYYY-MM-DD</c>, a real calendar date.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> s, out DateOnly date)
    {
        date = default;
        if (!TryDayNumber(s, out int dayNumber))
        {
            return false;
        }
        date = DateOnly.FromDayNumber(dayNumber);
        return true;
    }

    // Days before each month of a common year, and each month's days (February's leap day is added apart).
    private static ReadOnlySpan<short> DaysBeforeMonth => [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

    private static ReadOnlySpan<byte> DaysInMonth => [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    /// <summary>Exactly <c>YYYY-MM-DD</c>, a real calendar date, as its day number (days since 0001-01-01, as <see cref="DateOnly.DayNumber"/>).</summary>
    // Per date/time cell: inlined, and counted from the Gregorian rules, instead of DateTime.DaysInMonth and the
    // DateOnly constructor, which check the parts again.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryDayNumber(ReadOnlySpan<char> s, out int dayNumber)
    {
        dayNumber = 0;
        if (s.Length != 10 || s[4] != '-' || s[7] != '-'
            || !FourDigits(s, out int year) || !TwoDigits(s[5..7], out int month) || !TwoDigits(s[8..10], out int day)
            || year < 1 || month < 1 || month > 12 || day < 1)
        {
            return false;
        }
        // Unsigned: the year is 1-9999 here, and unsigned division and remainder by a constant need no sign fix-up.
        uint u = (uint)year;
        bool leap = (u & 3) == 0 && (u % 100 != 0 || u % 400 == 0);
        int leapDay = leap && month == 2 ? 1 : 0;
        if (day > DaysInMonth[month - 1] + leapDay)
        {
            return false;
        }
        uint y = u - 1;
        dayNumber = (int)((y * 365) + (y / 4) - (y / 100) + (y / 400)) + DaysBeforeMonth[month - 1] + (leap && month > 2 ? 1 : 0) + day - 1;
        return true;
    }

    /// <summary>
    /// The first four characters of <paramref name="s"/> (at least four) as ASCII digits, as a number: the year of
    /// <c>YYYY-MM-DD</c> here and of a <c>year</c> field in <see cref="TemporalText"/>.
    /// </summary>
    // The four UTF-16 units read as one 64-bit word (the first unit lowest) and checked and summed in it, instead of a
    // test and a multiply per character: a digit is a unit 0x30-0x39, so its high 12 bits are 0x003 and adding 6 does
    // not reach 0x40 (no unit carries into the next: each is at most 0x3F before the add).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool FourDigits(ReadOnlySpan<char> s, out int value)
    {
        ulong units = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(s[..4]));
        if ((units & 0xFFF0_FFF0_FFF0_FFF0) != 0x0030_0030_0030_0030 || ((units + 0x0006_0006_0006_0006) & 0x0040_0040_0040_0040) != 0)
        {
            value = 0;
            return false;
        }
        ulong digits = units & 0x000F_000F_000F_000F;
        // Each unit times ten plus the next: the first pair's value in the lowest unit, the second pair's in the third.
        ulong pairs = (digits * 10) + (digits >> 16);
        value = (int)(((pairs & 0xFFFF) * 100) + ((pairs >> 32) & 0xFFFF));
        return true;
    }

    /// <summary>Two ASCII digits as a number (also used by <see cref="TemporalText"/>).</summary>
    // Up to five calls per date/time cell: inlined, as calls they were ~0.6 % of a load's client CPU (issue 19).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TwoDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        if (!char.IsAsciiDigit(s[0]) || !char.IsAsciiDigit(s[1]))
        {
            return false;
        }
        value = ((s[0] - '0') * 10) + (s[1] - '0');
        return true;
    }
}
