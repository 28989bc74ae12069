namespace TransactionEtl.Core.Internal;

/// <summary>
/// A date/time <c>format</c> pattern of Table Schema v2 ("<c>&lt;PATTERN&gt;</c> MUST follow the syntax of standard
/// Python / C strptime"), compiled once at contract load and matched by hand, as strictly as .NET's ParseExact: the
/// whole cell must match, every number must be in range, and the date must exist.
/// </summary>
/// <remarks>
/// <para>Semantics follow CPython's <c>_strptime</c>, which frictionless-py calls: directives match the same text
/// (<c>%m</c> one or two digits, <c>%Y</c> exactly four, <c>%y</c> 69-99 as 19xx and 00-68 as 20xx, <c>%f</c> one to
/// six digits), literal text matches case-insensitively, and a run of white space in the pattern matches one or more
/// white-space characters. Month and day names are the C locale's (English), also case-insensitive.</para>
/// <para>Differences, each stricter: numbers never backtrack (a two-digit value that is in range is taken, as the
/// first alternative of CPython's regex would be); a weekday (<c>%a</c>, <c>%A</c>) must be the date's real weekday
/// (CPython ignores it); <c>%I</c> needs <c>%p</c> and the reverse; a part given twice is refused; an offset
/// (<c>%z</c>) is <c>Z</c>, <c>+HHMM</c> or <c>+HH:MM</c> up to 14:00, as in the default form. Locale-dependent or
/// week-based directives (<c>%c %x %X %j %U %W %w %u %G %V %Z</c>) are refused at load.</para>
/// </remarks>
internal sealed class DateTimeFormat
{
    /// <summary>The directives this parser knows, for messages.</summary>
    public const string Supported = "%Y %y %m %b %B %d %a %A %H %I %p %M %S %f %z %%";

    private static readonly string[] MonthNames =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private static readonly string[] MonthAbbreviations = MonthNames.Select(n => n[..3]).ToArray();

    // In DayOfWeek order (Sunday = 0), so that a parsed name compares with DateOnly.DayOfWeek directly.
    private static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private static readonly string[] DayAbbreviations = DayNames.Select(n => n[..3]).ToArray();

    private static readonly string[] AmPm = ["am", "pm"];

    private readonly string[] _tokens;

    private DateTimeFormat(string pattern, string[] tokens, string parts)
    {
        Pattern = pattern;
        _tokens = tokens;
        HasDate = parts.Contains('Y') && parts.Contains('m') && parts.Contains('d');
        HasTime = parts.Contains('H');
        HasOffset = parts.Contains('z');
    }

    public string Pattern { get; }

    /// <summary>Whether the pattern gives a year, a month and a day.</summary>
    public bool HasDate { get; }

    /// <summary>Whether the pattern gives an hour (<c>%H</c>, or <c>%I</c> with <c>%p</c>).</summary>
    public bool HasTime { get; }

    public bool HasOffset { get; }

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    /// <exception cref="FormatException">An unknown directive, a part given twice, <c>%I</c> without <c>%p</c>; the message says which.</exception>
    public static DateTimeFormat Compile(string pattern)
    {
        var tokens = new List<string>();
        var parts = new HashSet<char>();
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (char.IsWhiteSpace(c))
            {
                while (i + 1 < pattern.Length && char.IsWhiteSpace(pattern[i + 1]))
                {
                    i++;
                }
                tokens.Add(" ");
            }
            else if (c != '%')
            {
                tokens.Add(c.ToString());
            }
            else if (++i == pattern.Length)
            {
                throw new FormatException($"'{pattern}' ends with a lone '%'; write %% for a percent sign");
            }
            else
            {
                tokens.Add("%" + pattern[i]);
                ClaimPart(pattern, pattern[i], parts);
            }
        }
        if (parts.Contains('I') != parts.Contains('p'))
        {
            throw new FormatException($"'{pattern}': %I (12-hour clock) and %p (AM/PM) go together");
        }
        if (parts.Contains('I'))
        {
            parts.Add('H');
        }
        return new DateTimeFormat(pattern, tokens.ToArray(), new string(parts.ToArray()));
    }

    /// <summary>Records which part a directive sets; refuses unknown directives and a part set twice.</summary>
    private static void ClaimPart(string pattern, char directive, HashSet<char> parts)
    {
        char part = directive switch
        {
            'Y' or 'y' => 'Y',
            'm' or 'b' or 'B' => 'm',
            'd' => 'd',
            'H' => 'H',
            'I' => 'I',
            'a' or 'A' => 'a',
            'p' or 'M' or 'S' or 'f' or 'z' => directive,
            '%' => '\0',
            _ => throw new FormatException(
                $"'{pattern}': %{directive} is not supported; supported directives are {Supported} (locale-dependent and week-based ones are refused)"),
        };
        if (part != '\0' && (!parts.Add(part) || (part == 'I' && parts.Contains('H')) || (part == 'H' && parts.Contains('I'))))
        {
            throw new FormatException($"'{pattern}': %{directive} sets a part of the value that another directive already sets");
        }
    }

    /// <summary>Matches the whole of <paramref name="s"/>; false when it does not match or names a date that does not exist.</summary>
    public bool TryParse(ReadOnlySpan<char> s, out TemporalParts parts)
    {
        parts = TemporalParts.Start;
        var state = new State();
        int pos = 0;
        foreach (string token in _tokens)
        {
            bool ok = token.Length == 2 ? ReadDirective(token[1], s, ref pos, ref parts, ref state)
                : token == " " ? SkipWhiteSpace(s, ref pos)
                : pos < s.Length && char.ToLowerInvariant(s[pos++]) == char.ToLowerInvariant(token[0]);
            if (!ok)
            {
                return false;
            }
        }
        if (pos != s.Length || parts.Year < 1 || parts.Day > DateTime.DaysInMonth(parts.Year, parts.Month))
        {
            return false;
        }
        if (state.Hour12 > 0)
        {
            parts.Hour = (state.Hour12 % 12) + (state.Pm ? 12 : 0);
        }
        return state.Weekday < 0 || (int)parts.Date.DayOfWeek == state.Weekday;
    }

    private struct State
    {
        public int Hour12;
        public bool Pm;
        public int Weekday = -1;

        public State()
        {
        }
    }

    private static bool ReadDirective(char directive, ReadOnlySpan<char> s, ref int pos, ref TemporalParts p, ref State state)
    {
        int name;
        switch (directive)
        {
            case 'Y': return Number(s, ref pos, 4, 4, 0, 9999, out p.Year);
            case 'y':
                bool ok = Number(s, ref pos, 2, 2, 0, 99, out int yy);
                p.Year = yy < 69 ? 2000 + yy : 1900 + yy;
                return ok;
            case 'm': return Number(s, ref pos, 1, 2, 1, 12, out p.Month);
            case 'd': return Number(s, ref pos, 1, 2, 1, 31, out p.Day);
            case 'H': return Number(s, ref pos, 1, 2, 0, 23, out p.Hour);
            case 'I': return Number(s, ref pos, 1, 2, 1, 12, out state.Hour12);
            case 'M': return Number(s, ref pos, 1, 2, 0, 59, out p.Minute);
            case 'S': return Number(s, ref pos, 1, 2, 0, 59, out p.Second);
            case 'f': return Fraction(s, ref pos, out p.FractionTicks);
            case 'z': return Offset(s, ref pos, out p.Offset);
            case 'p':
                bool am = Name(s, ref pos, AmPm, out name);
                state.Pm = name == 1;
                return am;
            case 'b' or 'B':
                bool month = Name(s, ref pos, directive == 'b' ? MonthAbbreviations : MonthNames, out name);
                p.Month = name + 1;
                return month;
            case 'a' or 'A': return Name(s, ref pos, directive == 'a' ? DayAbbreviations : DayNames, out state.Weekday);
            default: return pos < s.Length && s[pos++] == '%';
        }
    }

    /// <summary>
    /// <paramref name="minDigits"/> to <paramref name="maxDigits"/> digits within [min, max]: the longest in-range
    /// prefix, as CPython's alternations (<c>1[0-2]|0[1-9]|[1-9]</c> for %m) try the two-digit forms first.
    /// </summary>
    private static bool Number(ReadOnlySpan<char> s, ref int pos, int minDigits, int maxDigits, int min, int max, out int value)
    {
        value = 0;
        int available = 0;
        while (available < maxDigits && pos + available < s.Length && char.IsAsciiDigit(s[pos + available]))
        {
            available++;
        }
        for (int n = available; n >= minDigits; n--)
        {
            int v = int.Parse(s.Slice(pos, n), provider: System.Globalization.CultureInfo.InvariantCulture);
            if (v >= min && v <= max)
            {
                value = v;
                pos += n;
                return true;
            }
        }
        return false;
    }

    private static bool Fraction(ReadOnlySpan<char> s, ref int pos, out long ticks)
    {
        ticks = 0;
        int digits = 0;
        while (digits < IsoTimestamp.MaxFractionDigits && pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            ticks = (ticks * 10) + (s[pos++] - '0');
            digits++;
        }
        for (int d = digits; d < 7; d++)
        {
            ticks *= 10;
        }
        return digits > 0;
    }

    /// <summary><c>Z</c>, <c>+HHMM</c> or <c>+HH:MM</c> (either sign), at most 14:00 as in <see cref="IsoTimestamp"/>.</summary>
    private static bool Offset(ReadOnlySpan<char> s, ref int pos, out TimeSpan? offset)
    {
        offset = null;
        if (pos < s.Length && s[pos] == 'Z')
        {
            pos++;
            offset = TimeSpan.Zero;
            return true;
        }
        if (pos + 5 > s.Length || (s[pos] != '+' && s[pos] != '-'))
        {
            return false;
        }
        bool colon = s[pos + 3] == ':';
        int length = colon ? 6 : 5;
        if (pos + length > s.Length
            || !int.TryParse(s.Slice(pos + 1, 2), System.Globalization.NumberStyles.None, null, out int hours)
            || !int.TryParse(s.Slice(pos + (colon ? 4 : 3), 2), System.Globalization.NumberStyles.None, null, out int minutes)
            || minutes > 59 || hours > 14 || (hours == 14 && minutes > 0))
        {
            return false;
        }
        var value = new TimeSpan(hours, minutes, 0);
        offset = s[pos] == '-' ? -value : value;
        pos += length;
        return true;
    }

    /// <summary>The longest of <paramref name="names"/> that starts at <paramref name="pos"/>, ignoring case.</summary>
    private static bool Name(ReadOnlySpan<char> s, ref int pos, string[] names, out int index)
    {
        index = -1;
        int best = 0;
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i].Length > best && s[pos..].StartsWith(names[i], StringComparison.OrdinalIgnoreCase))
            {
                index = i;
                best = names[i].Length;
            }
        }
        pos += best;
        return index >= 0;
    }

    private static bool SkipWhiteSpace(ReadOnlySpan<char> s, ref int pos)
    {
        int start = pos;
        while (pos < s.Length && char.IsWhiteSpace(s[pos]))
        {
            pos++;
        }
        return pos > start;
    }
}
