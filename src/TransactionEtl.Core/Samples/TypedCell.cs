using System.Globalization;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Samples;

/// <summary>
/// What a CSV cell becomes in a typed file: a number or a date-time only when reading it back (through
/// <see cref="CellText"/>) gives the very same text, so the typed file holds exactly what the CSV holds.
/// </summary>
internal static class TypedCell
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly System.Buffers.SearchValues<char> NumberChars = System.Buffers.SearchValues.Create("0123456789.");
    private static readonly string[] TimestampForms = ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    /// <summary>The double whose shortest text is <paramref name="text"/> (plain digits, optional sign and point).</summary>
    public static bool TryNumber(string text, out double value)
    {
        value = 0;
        return IsPlainNumber(text)
            && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, Invariant, out value)
            && CellText.Number(value, null) == text;
    }

    /// <summary>The decimal whose text without trailing zeros is <paramref name="text"/>.</summary>
    public static bool TryDecimal(string text, out decimal value)
    {
        value = 0;
        return IsPlainNumber(text)
            && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, Invariant, out value)
            && CellText.DecimalText(value, null) == text;
    }

    /// <summary>A date alone (yyyy-MM-dd) or a UTC timestamp (…Z) that an Excel serial holds exactly (to the millisecond).</summary>
    public static bool TryExcelDate(string text, out double serial)
    {
        serial = 0;
        if (!TryTimestamp(text, out var t, dateAlone: true) || t.Year < 1900)
        {
            return false;
        }
        serial = t.ToOADate();
        return CellText.Temporal(DateTime.FromOADate(serial), FieldType.DateTime) == text;
    }

    /// <summary>A UTC timestamp with a time of day (…Z), as a Parquet timestamp holds it.</summary>
    public static bool TryTimestamp(string text, out DateTime utc, bool dateAlone = false)
    {
        if (dateAlone && text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", Invariant, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc))
        {
            return true;
        }
        return DateTime.TryParseExact(text, TimestampForms, Invariant, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc)
            && CellText.Timestamp(utc, 7, utc: true) == text;
    }

    private static bool IsPlainNumber(string text)
    {
        var s = text.AsSpan();
        if (s.StartsWith("-"))
        {
            s = s[1..];
        }
        int point = s.IndexOf('.');
        return s.Length is > 0 and <= 20 && point != 0 && point != s.Length - 1
            && !s.ContainsAnyExcept(NumberChars) && s.Count('.') <= 1;
    }
}
