using System.Globalization;
using FsCheck.Xunit;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests.Types;

/// <summary>
/// A value written in a locale's format parses to the same decimal, integer, date or instant as its ISO form: the
/// options only change how a value is written, never which value it is. .NET's own culture formatters write the
/// locale forms, so the writer is independent of the parser under test.
/// </summary>
public class LocaleFormatPropertyTests
{
    // How some locales write numbers (decimal point, group separator, group sizes), set by hand so the test does not
    // depend on the machine's culture data: de-DE, fr-FR (narrow no-break space), de-CH, en-US, en-IN (lakh grouping).
    private static readonly (string Decimal, string Group, int[] Sizes)[] Locales =
    [
        (",", ".", [3]), (",", "\u202F", [3]), (".", "’", [3]), (".", ",", [3]), (".", ",", [3, 2]),
    ];

    private static NumberFormatInfo Writer((string Decimal, string Group, int[] Sizes) locale) => new()
    {
        NumberDecimalSeparator = locale.Decimal, NumberGroupSeparator = locale.Group, NumberGroupSizes = locale.Sizes, NegativeSign = "-",
    };

    // FsCheck's integers stay small (|n| <= its size, 100 by default), which would never need a group separator:
    // a multiplicative hash spreads them over 0 .. 10^18 - 1.
    private static ulong Spread(long n, ulong range) => (ulong)Math.Abs(n % 1_000_000_007L) * 11_400_714_819_323_198_485UL % range;

    // Up to 18 digits, 0 to 4 of them decimals, either sign.
    private static decimal Amount(long units, byte scale)
    {
        ulong magnitude = Spread(units, 1_000_000_000_000_000_000UL) >> (units % 7 == 0 ? 40 : 0); // some small ones too
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, units < 0 && magnitude != 0, (byte)(scale % 5));
    }

    [ScaledProperty(300)]
    public bool A_number_in_a_locale_format_parses_equal_to_its_iso_form(long units, byte scale, byte locale, bool currency)
    {
        var writer = Locales[locale % Locales.Length];
        decimal value = Amount(units, scale);
        string digits = "F" + value.Scale;
        // "N" groups digits as the locale does (en-IN: 12,34,567.00); a currency symbol before or after it.
        string written = value.ToString("N" + value.Scale, Writer(writer));
        if (currency)
        {
            written = (units % 2 == 0) ? "€ " + written : written + " EUR";
        }
        string iso = value.ToString(digits, CultureInfo.InvariantCulture);
        var options = new NumberText(writer.Decimal, writer.Group, bareNumber: !currency);
        return options.TryParseNumber(written, out decimal parsed)
            && DecimalText.TryParse(iso, out decimal fromIso, out _)
            && parsed == fromIso && parsed.Scale == fromIso.Scale;
    }

    [ScaledProperty(300)]
    public bool An_integer_with_group_separators_parses_equal_to_its_plain_form(long seed, byte locale)
    {
        long value = (long)Spread(seed, long.MaxValue) * (seed < 0 ? -1 : 1);
        var writer = Locales[locale % Locales.Length];
        string written = value.ToString("N0", Writer(writer));
        return new NumberText(".", writer.Group, bareNumber: true).TryParseInteger(written, out long parsed)
            && DecimalText.TryParseInteger(value.ToString(CultureInfo.InvariantCulture), out long plain)
            && parsed == plain;
    }

    // .NET custom format, the equivalent strptime pattern.
    private static readonly (string Net, string Strptime)[] DatePatterns =
    [
        ("dd.MM.yyyy", "%d.%m.%Y"), ("d.M.yyyy", "%d.%m.%Y"), ("dd/MM/yyyy", "%d/%m/%Y"), ("MM/dd/yyyy", "%m/%d/%Y"),
        ("yyyyMMdd", "%Y%m%d"), ("d MMMM yyyy", "%d %B %Y"), ("dd-MMM-yyyy", "%d-%b-%Y"), ("dddd, d MMM yyyy", "%A, %d %b %Y"),
    ];

    [ScaledProperty(300)]
    public bool A_date_in_a_locale_format_parses_equal_to_its_iso_form(int seed, byte pattern)
    {
        var date = DateOnly.FromDayNumber((int)Spread(seed, (ulong)DateOnly.MaxValue.DayNumber + 1));
        var (net, strptime) = DatePatterns[pattern % DatePatterns.Length];
        string written = date.ToString(net, CultureInfo.InvariantCulture);
        return TemporalFormat.Create(FieldType.Date, strptime).TryParseDate(written, out var parsed)
            && IsoTimestamp.TryParseDate(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), out var fromIso)
            && parsed == fromIso;
    }

    [ScaledProperty(300)]
    public bool A_datetime_in_a_locale_format_parses_to_the_same_instant_as_its_iso_form(int seconds, short offsetMinutes, bool twelveHour)
    {
        var local = new DateTime(2000, 1, 1).AddSeconds(Spread(seconds, 60UL * 365 * 86_400));
        var offset = TimeSpan.FromMinutes(offsetMinutes % (14 * 60));
        string sign = offset < TimeSpan.Zero ? "-" : "+";
        string zone = sign + offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
        var (net, strptime) = twelveHour
            ? ("dd.MM.yyyy hh:mm:ss tt", "%d.%m.%Y %I:%M:%S %p")
            : ("dd.MM.yyyy HH:mm:ss", "%d.%m.%Y %H:%M:%S");
        string written = local.ToString(net, CultureInfo.InvariantCulture) + zone;
        string iso = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + zone.Insert(3, ":");
        return TemporalFormat.Create(FieldType.DateTime, strptime + "%z").TryParseDateTime(written, out var parsed, out var writtenDate)
            && IsoTimestamp.TryParse(iso, out var fromIso, out var isoDate)
            && parsed == fromIso && writtenDate == isoDate;
    }
}
