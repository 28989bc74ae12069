namespace TransactionEtl.Core.Internal;

/// <summary>
/// A number or integer field's lexical options from Table Schema v2 (<c>decimalChar</c>, <c>groupChar</c>,
/// <c>bareNumber</c>), applied the way frictionless-py's <c>NumberField</c>/<c>IntegerField</c> read a cell: strip the
/// leading characters that are neither a digit nor <c>-</c> and the trailing non-digits (bareNumber false), remove
/// every group character, refuse a <c>.</c> when another decimal character is set (frictionless-py issue 1005), then
/// read the decimal character as the point. What is left must match <see cref="DecimalText"/>'s strict grammar.
/// </summary>
/// <remarks>
/// Where frictionless-py and the standard part ways the standard wins: frictionless-py ignores <c>groupChar</c> on
/// integer fields, the v2 standard (datapackage.org/standard/table-schema, "integer") lists it, so it applies here.
/// A field without any of the three options never gets a <see cref="NumberText"/> and keeps the allocation-free path.
/// </remarks>
internal sealed class NumberText(string decimalChar, string? groupChar, bool bareNumber)
{
    public string DecimalChar { get; } = decimalChar;

    public string? GroupChar { get; } = groupChar;

    public bool BareNumber { get; } = bareNumber;

    /// <summary>The hint of a number type error under these options.</summary>
    public string ExpectedNumber =>
        $"expected digits with an optional sign and '{DecimalChar}' as decimal point{GroupHint}{BareHint}, e.g. {Example(integer: false)}";

    /// <summary>The hint of an integer type error under these options.</summary>
    public string ExpectedInteger => $"expected digits with an optional sign{GroupHint}{BareHint}, e.g. {Example(integer: true)}";

    private string GroupHint => GroupChar is null ? " (no grouping separators)" : $" and '{GroupChar}' between digit groups";

    private string BareHint => BareNumber ? "" : "; text before and after the number such as a currency symbol is ignored";

    public bool TryParseNumber(string s, out decimal value)
    {
        value = 0;
        return Prepare(s, allowDecimal: true) is { } plain && DecimalText.TryParse(plain, out value, out _);
    }

    public bool TryParseInteger(string s, out long value)
    {
        value = 0;
        return Prepare(s, allowDecimal: false) is { } plain && DecimalText.TryParseInteger(plain, out value);
    }

    /// <summary>The cell in the plain grammar, or null when a '.' appears although another decimal character is set.</summary>
    private string? Prepare(string s, bool allowDecimal)
    {
        ReadOnlySpan<char> span = s;
        if (!BareNumber)
        {
            // frictionless-py: re.sub(r"((^[^-\d]*)|(\D*$))", "", cell); the minus sign survives at the front.
            int start = 0;
            while (start < span.Length && span[start] != '-' && !char.IsAsciiDigit(span[start]))
            {
                start++;
            }
            int end = span.Length;
            while (end > start && !char.IsAsciiDigit(span[end - 1]))
            {
                end--;
            }
            span = span[start..end];
        }
        string text = span.ToString();
        if (GroupChar is not null)
        {
            text = text.Replace(GroupChar, "", StringComparison.Ordinal);
        }
        if (!allowDecimal || DecimalChar == ".")
        {
            return text;
        }
        return text.Contains('.', StringComparison.Ordinal) ? null : text.Replace(DecimalChar, ".", StringComparison.Ordinal);
    }

    private string Example(bool integer)
    {
        string group = GroupChar ?? "";
        string number = integer ? $"-1{group}234" : $"-1{group}234{DecimalChar}50";
        return BareNumber ? number : number + " EUR";
    }
}
