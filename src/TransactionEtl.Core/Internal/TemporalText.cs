namespace TransactionEtl.Core.Internal;

/// <summary>
/// The default forms of the Table Schema v2 types <c>time</c>, <c>year</c> and <c>yearmonth</c>
/// (datapackage.org/standard/table-schema, "Field Types"). Checked by hand for the same reason as
/// <see cref="IsoTimestamp"/>: the BCL parsers accept culture forms that must be refused.
/// </summary>
internal static class TemporalText
{
    public const string ExpectedTime =
        "expected HH:MM:SS[.ffffff] such as 14:30:00, without a UTC offset (a PostgreSQL time has no zone)";

    public const string ExpectedYear = "expected a four-digit year such as 2024";

    public const string ExpectedYearMonth = "expected YYYY-MM such as 2024-03";

    /// <summary>
    /// <c>HH:MM:SS</c> with an optional fraction of 1 to 6 digits. frictionless-py's default also requires the
    /// seconds (it refuses <c>09:00</c>); it keeps an offset, which this refuses because the output is PostgreSQL
    /// <c>time</c>, which has no zone, and <c>timetz</c> is discouraged by PostgreSQL's own documentation.
    /// </summary>
    public static bool TryParseTime(ReadOnlySpan<char> s, out TimeOnly time)
    {
        time = default;
        if (s.Length < 8 || s[2] != ':' || s[5] != ':'
            || !IsoTimestamp.TwoDigits(s[..2], out int hour) || !IsoTimestamp.TwoDigits(s[3..5], out int minute) || !IsoTimestamp.TwoDigits(s[6..8], out int second)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        long fraction = 0;
        var rest = s[8..];
        if (!rest.IsEmpty && (rest[0] != '.' || !IsoTimestamp.TryParseFraction(ref rest, out fraction) || !rest.IsEmpty))
        {
            return false;
        }
        time = new TimeOnly(new TimeOnly(hour, minute, second).Ticks + fraction);
        return true;
    }

    /// <summary>
    /// Exactly four digits, as frictionless-py's <c>YearField</c> reads it (length 4, 0 to 9999); XML Schema's
    /// <c>gYear</c> would also allow a sign, more digits and a zone, which no finance file writes.
    /// </summary>
    public static bool TryParseYear(ReadOnlySpan<char> s, out int year)
    {
        year = 0;
        return s.Length == 4 && IsoTimestamp.FourDigits(s, out year);
    }

    /// <summary>
    /// <c>YYYY-MM</c> as XML Schema's <c>gYearMonth</c>, which the standard cites (two-digit month; frictionless-py
    /// also takes <c>2024-3</c>), read as the first day of that month, the <c>date</c> it is stored as.
    /// </summary>
    public static bool TryParseYearMonth(ReadOnlySpan<char> s, out DateOnly firstDay)
    {
        firstDay = default;
        if (s.Length != 7 || s[4] != '-' || !TryParseYear(s[..4], out int year) || !IsoTimestamp.TwoDigits(s[5..], out int month)
            || year < 1 || month < 1 || month > 12)
        {
            return false;
        }
        firstDay = new DateOnly(year, month, 1);
        return true;
    }
}
