using System.Globalization;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A <c>date</c>, <c>time</c> or <c>datetime</c> field's <c>format</c> other than <c>default</c>: a strptime pattern
/// (<see cref="DateTimeFormat"/>) or <c>any</c>. Fields with the default format have none and keep the default
/// parsers' fast path.
/// </summary>
/// <remarks>
/// The standard leaves <c>any</c> to the implementation ("can attempt to parse the datetime via a range of
/// strategies"; frictionless-py uses dateutil's parser) and does not recommend it. Here it means the default form,
/// then a fixed list of unambiguous patterns (<see cref="AnyDates"/>, <see cref="AnyTimes"/>). Purely numeric
/// day/month forms such as <c>01/02/2024</c> are left out on purpose: dateutil reads them month first, which is
/// silently wrong for a European file, so such a file needs a pattern.
/// </remarks>
internal sealed class TemporalFormat
{
    public const string Any = "any";

    /// <summary>Date forms <c>any</c> tries after the default, for date and datetime fields.</summary>
    internal static readonly string[] AnyDates =
        ["%Y%m%d", "%Y/%m/%d", "%Y.%m.%d", "%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%B %d %Y", "%b %d %Y", "%B %d, %Y", "%b %d, %Y"];

    /// <summary>Time forms <c>any</c> tries after the default, for time fields, and after a date for datetime fields.</summary>
    internal static readonly string[] AnyTimes = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f", "%I:%M %p", "%I:%M:%S %p", "%I %p"];

    private static readonly DateTime Sample = new(2024, 3, 1, 14, 30, 0);

    private readonly FieldType _type;
    private readonly bool _defaultFirst;
    private readonly DateTimeFormat[] _patterns;

    private TemporalFormat(FieldType type, bool defaultFirst, DateTimeFormat[] patterns, string expected)
    {
        _type = type;
        _defaultFirst = defaultFirst;
        _patterns = patterns;
        Expected = expected;
    }

    /// <summary>The hint of a type error.</summary>
    public string Expected { get; }

    /// <summary>The format for a field of <paramref name="type"/> (date, time or datetime).</summary>
    /// <exception cref="FormatException">The pattern is not supported or lacks a part its type needs; the message says which.</exception>
    public static TemporalFormat Create(FieldType type, string format)
    {
        if (format == Any)
        {
            var patterns = type switch
            {
                FieldType.Time => AnyTimes,
                FieldType.Date => AnyDates,
                _ => AnyDates.Concat(AnyDates.SelectMany(d => AnyTimes.Select(t => d + " " + t))).Append("%Y%m%dT%H%M%S").Append("%Y%m%dT%H%M%S%z").ToArray(),
            };
            return new TemporalFormat(type, true, patterns.Select(DateTimeFormat.Compile).ToArray(),
                "expected the default form or one of the forms listed for \"any\" in docs/contracts.md (numeric day/month forms such as 01/02/2024 are ambiguous: give a pattern)");
        }
        var pattern = DateTimeFormat.Compile(format);
        if (type != FieldType.Time && !pattern.HasDate)
        {
            throw new FormatException($"'{format}' lacks a year (%Y or %y), a month (%m, %b or %B) or a day (%d); a {Name(type)} needs all three");
        }
        if (type == FieldType.Time && (!pattern.HasTime || pattern.HasOffset))
        {
            throw new FormatException($"'{format}' must give an hour (%H, or %I with %p) and no offset (%z): a PostgreSQL time has no zone");
        }
        return new TemporalFormat(type, false, [pattern], $"expected the pattern {format}, e.g. {Example(format)}");
    }

    public bool TryParseDate(string v, out DateOnly date)
    {
        if (_defaultFirst && IsoTimestamp.TryParseDate(v, out date))
        {
            return true;
        }
        date = default;
        if (!TryPatterns(v, out var parts))
        {
            return false;
        }
        date = parts.Date;
        return true;
    }

    /// <summary>As <see cref="IsoTimestamp.TryParse"/>: UTC, and the date as written; no offset means UTC.</summary>
    public bool TryParseDateTime(string v, out DateTime utc, out DateOnly writtenDate)
    {
        if (_defaultFirst && IsoTimestamp.TryParse(v, out utc, out writtenDate))
        {
            return true;
        }
        utc = default;
        writtenDate = default;
        if (!TryPatterns(v, out var parts))
        {
            return false;
        }
        long ticks = parts.Date.ToDateTime(parts.Time).Ticks - (parts.Offset ?? TimeSpan.Zero).Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        utc = new DateTime(ticks, DateTimeKind.Utc);
        writtenDate = parts.Date;
        return true;
    }

    public bool TryParseTime(string v, out TimeOnly time)
    {
        if (_defaultFirst && TemporalText.TryParseTime(v, out time))
        {
            return true;
        }
        time = default;
        if (!TryPatterns(v, out var parts))
        {
            return false;
        }
        time = parts.Time;
        return true;
    }

    private bool TryPatterns(string v, out TemporalParts parts)
    {
        foreach (var pattern in _patterns)
        {
            if (pattern.TryParse(v, out parts))
            {
                return true;
            }
        }
        parts = default;
        return false;
    }

    private static string Name(FieldType type) => type == FieldType.Date ? "date" : "datetime";

    /// <summary>2024-03-01 14:30 written with <paramref name="format"/>, for messages.</summary>
    private static string Example(string format)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            char d = format[++i];
            sb.Append(d switch
            {
                'z' => "+01:00",
                'p' => "PM",
                'f' => "000000",
                '%' => "%",
                _ => Sample.ToString(d switch
                {
                    'Y' => "yyyy", 'y' => "yy", 'm' => "MM", 'b' => "MMM", 'B' => "MMMM", 'd' => "dd",
                    'a' => "ddd", 'A' => "dddd", 'H' => "HH", 'I' => "hh", 'M' => "mm", _ => "ss",
                }, CultureInfo.InvariantCulture),
            });
        }
        return sb.ToString();
    }
}
