using System.Globalization;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A typed spreadsheet or Parquet cell as the text the CSV path would have read, so that one validator checks
/// both. Exact by construction: a double is written as its shortest round-trip text (the double nearest 19.99 is
/// written "19.99", never "19.989999999999998"), a decimal as its digits, and a date-time without a zone (Excel
/// has none) as UTC, which is how the datetime type reads a value without an offset.
/// </summary>
internal static class CellText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The text of <paramref name="value"/> for <paramref name="field"/> (null: an unmapped column or a header cell).</summary>
    public static string Render(object? value, FieldSpec? field) => value switch
    {
        null => "",
        string s => s,
        double d => Number(d, field),
        float f => Number(double.Parse(f.ToString("R", Invariant), Invariant), field),
        decimal m => DecimalText(m, field),
        bool b => Boolean(b, field),
        DateTime t => Temporal(t, field?.Type),
        DateOnly date => date.ToString("yyyy-MM-dd", Invariant),
        TimeOnly time => Time(time.ToTimeSpan()),
        TimeSpan span => Time(span),
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable other => other.ToString(null, Invariant),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// The shortest text that reads back as the same double ("R" since .NET Core 3.0), without an exponent: 1E-07
    /// becomes 0.0000001 through decimal, which holds every such text exactly.
    /// </summary>
    public static string Number(double d, FieldSpec? field)
    {
        string text = d.ToString("R", Invariant);
        if (text.Contains('E') && decimal.TryParse(text, NumberStyles.Float, Invariant, out decimal exact))
        {
            text = exact.ToString(Invariant);
        }
        return WithDecimalChar(text, field);
    }

    /// <summary>A decimal's value without trailing zeros of its scale (11192.000 is 11192): exact, and no more decimals than the value has.</summary>
    public static string DecimalText(decimal m, FieldSpec? field)
    {
        string text = m.ToString(Invariant);
        if (text.Contains('.'))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }
        return WithDecimalChar(text, field);
    }

    /// <summary>A date-time without zone: a date alone at midnight, else a UTC timestamp; a time of day for a time field.</summary>
    public static string Temporal(DateTime t, FieldType? type)
    {
        if (type == FieldType.Time)
        {
            return Time(t.TimeOfDay);
        }
        if (t.TimeOfDay == TimeSpan.Zero)
        {
            return t.ToString("yyyy-MM-dd", Invariant);
        }
        return Timestamp(t, fractionDigits: 7, utc: true);
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss, a fraction of at most <paramref name="fractionDigits"/> digits when there is one, and Z for a UTC value.</summary>
    public static string Timestamp(DateTime t, int fractionDigits, bool utc)
    {
        var sb = new StringBuilder(32).Append(t.ToString("yyyy-MM-dd'T'HH:mm:ss", Invariant));
        AppendFraction(sb, t.Ticks % TimeSpan.TicksPerSecond, fractionDigits);
        return (utc ? sb.Append('Z') : sb).ToString();
    }

    /// <summary>Cells rendered as one RFC 4180 record in the contract's dialect: the raw form of a spreadsheet row.</summary>
    public static string Record(IReadOnlyList<string> cells, int count, DialectSpec dialect)
    {
        var sb = new StringBuilder(count * 12);
        for (int c = 0; c < count; c++)
        {
            if (c > 0)
            {
                sb.Append(dialect.Delimiter);
            }
            string cell = cells[c];
            if (cell.AsSpan().IndexOfAny([dialect.Delimiter, dialect.Quote, '\r', '\n']) < 0)
            {
                sb.Append(cell);
                continue;
            }
            string quote = dialect.Quote.ToString();
            sb.Append(dialect.Quote).Append(cell.Replace(quote, quote + quote)).Append(dialect.Quote);
        }
        return sb.ToString();
    }

    private static string Time(TimeSpan span)
    {
        var sb = new StringBuilder(16).Append(span.ToString(@"hh\:mm\:ss", Invariant));
        AppendFraction(sb, span.Ticks % TimeSpan.TicksPerSecond, 7);
        return sb.ToString();
    }

    private static void AppendFraction(StringBuilder sb, long ticks, int digits)
    {
        if (ticks == 0)
        {
            return;
        }
        string fraction = ticks.ToString("0000000", Invariant)[..Math.Min(digits, 7)].TrimEnd('0');
        if (fraction.Length > 0)
        {
            sb.Append('.').Append(fraction);
        }
    }

    private static string Boolean(bool b, FieldSpec? field) => field is { Type: FieldType.Boolean }
        ? (b ? field.TrueValues : field.FalseValues) is [var first, ..] ? first : b ? "true" : "false"
        : b ? "true" : "false";

    private static string WithDecimalChar(string text, FieldSpec? field) =>
        field?.NumberText is { DecimalChar: var dc } && dc != "." ? text.Replace(".", dc) : text;
}
