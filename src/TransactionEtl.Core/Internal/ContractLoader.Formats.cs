namespace TransactionEtl.Core.Internal;

/// <summary>
/// The lexical options of number, integer and temporal fields: <c>decimalChar</c>, <c>groupChar</c>,
/// <c>bareNumber</c> and the date/time <c>format</c> (default, any, or a strptime pattern), each checked at load so
/// that a mistake names its JSON path instead of turning into a type error on every row.
/// </summary>
internal static partial class ContractLoader
{
    /// <summary>Table Schema v2, "type and format": a <c>fmt:</c> prefix (the v0/v1 way of giving a pattern) MUST be removed.</summary>
    private static string WithoutFmtPrefix(string format) =>
        format.StartsWith("fmt:", StringComparison.Ordinal) ? format[4..] : format;

    private sealed partial class Builder
    {
        /// <summary>The format of a date, time or datetime field; null for the default form and for other types.</summary>
        private TemporalFormat? BuildTemporalFormat(string? format, FieldType type, string at)
        {
            if (type is not (FieldType.Date or FieldType.Time or FieldType.DateTime) || format is null)
            {
                return null;
            }
            string written = WithoutFmtPrefix(format);
            if (written == "default")
            {
                return null;
            }
            try
            {
                return TemporalFormat.Create(type, written);
            }
            catch (FormatException e)
            {
                throw Error($"{at}.format", e.Message);
            }
        }

        /// <summary>decimalChar, groupChar and bareNumber; null when the field uses none of them.</summary>
        private NumberText? BuildNumberText(FieldDocument f, FieldType type, string at)
        {
            if (f.DecimalChar is null && f.GroupChar is null && f.BareNumber is null)
            {
                return null;
            }
            if (f.DecimalChar is not null && type != FieldType.Number)
            {
                throw Error($"{at}.decimalChar", "applies only to number fields");
            }
            if (type is not (FieldType.Number or FieldType.Integer))
            {
                throw Error($"{at}.{(f.GroupChar is not null ? "groupChar" : "bareNumber")}", "applies only to number and integer fields");
            }
            string decimalChar = f.DecimalChar ?? ".";
            CheckSeparator(decimalChar, $"{at}.decimalChar");
            if (f.GroupChar is not null)
            {
                CheckSeparator(f.GroupChar, $"{at}.groupChar");
                if (type == FieldType.Number && (f.GroupChar.Contains(decimalChar, StringComparison.Ordinal) || decimalChar.Contains(f.GroupChar, StringComparison.Ordinal)))
                {
                    throw Error($"{at}.groupChar", $"'{f.GroupChar}' clashes with the decimal character '{decimalChar}'; set decimalChar too, e.g. \"groupChar\": \".\", \"decimalChar\": \",\"");
                }
            }
            bool bare = f.BareNumber ?? true;
            // The defaults spelled out change nothing: keep the allocation-free path.
            return decimalChar == "." && f.GroupChar is null && bare ? null : new NumberText(decimalChar, f.GroupChar, bare);
        }

        private void CheckSeparator(string value, string path)
        {
            if (value.Length == 0 || value.Any(c => char.IsAsciiDigit(c) || c is '+' or '-'))
            {
                throw Error(path, $"'{value}' cannot separate digits; expected a non-empty string without digits or signs, such as \",\"");
            }
        }

        /// <summary>
        /// A minimum or maximum: in the field's own format first (a bound written like the data, "1.000,00"), then
        /// in the type's default form. Durations have none, as in frictionless-py: P1M and P30D do not compare.
        /// </summary>
        private IComparable ParseBound(string text, FieldType type, NumberText? number, TemporalFormat? temporal, string path)
        {
            IComparable? value = type switch
            {
                FieldType.Number when number?.TryParseNumber(text, out decimal d) == true => d,
                FieldType.Number when DecimalText.TryParse(text, out decimal d, out _) => d,
                FieldType.Integer when number?.TryParseInteger(text, out long l) == true => l,
                FieldType.Integer when DecimalText.TryParseInteger(text, out long l) => l,
                FieldType.Date when temporal?.TryParseDate(text, out var date) == true => date,
                FieldType.Date when IsoTimestamp.TryParseDate(text, out var date) => date,
                FieldType.DateTime when temporal?.TryParseDateTime(text, out var utc, out _) == true => utc,
                FieldType.DateTime when IsoTimestamp.TryParse(text, out var utc, out _) => utc,
                FieldType.Time when temporal?.TryParseTime(text, out var time) == true => time,
                FieldType.Time when TemporalText.TryParseTime(text, out var time) => time,
                FieldType.Year when TemporalText.TryParseYear(text, out int year) => year,
                FieldType.YearMonth when TemporalText.TryParseYearMonth(text, out var month) => month,
                FieldType.Number or FieldType.Integer or FieldType.Date or FieldType.DateTime or FieldType.Time or FieldType.Year or FieldType.YearMonth => null,
                _ => throw Error(path, "minimum/maximum apply only to number, integer, date, datetime, time, year and yearmonth fields"),
            };
            return value ?? throw Error(path, $"'{text}' is not a valid {type.ToString().ToLowerInvariant()}");
        }
    }
}
