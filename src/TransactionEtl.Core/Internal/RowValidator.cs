using System.Globalization;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Checks, normalizes, types and taxes one row's cells (already mapped to contract fields), collecting every
/// error. One instance per file, reused for every row: no allocation per row beyond the values themselves.
/// </summary>
internal sealed class RowValidator
{

    private readonly Contract _contract;
    private readonly FieldSpec[] _fields;
    private readonly int _maxFieldChars;
    private readonly bool[] _ok;
    private readonly DateOnly[] _writtenDate;
    private readonly CellMemo?[] _memos;
    private readonly bool[] _known;

    public RowValidator(Contract contract, int maxFieldChars)
    {
        _contract = contract;
        _fields = contract.Fields;
        _maxFieldChars = maxFieldChars;
        Cells = new string?[_fields.Length];
        Missing = new bool[_fields.Length];
        Typed = new object?[_fields.Length];
        _ok = new bool[_fields.Length];
        _writtenDate = new DateOnly[_fields.Length];
        _known = new bool[_fields.Length];
        // Only string and boolean checks depend on the text alone; a date also leaves its written date behind.
        _memos = _fields.Select(f => f.Type is FieldType.String or FieldType.Boolean ? new CellMemo() : null).ToArray();
    }

    /// <summary>The row's cell per field as written; null when the file has no column for the field.</summary>
    public string?[] Cells { get; }

    /// <summary>True for a field whose column exists in the header but whose cell the (short) row lacks.</summary>
    public bool[] Missing { get; }

    /// <summary>The typed value per field after <see cref="Validate"/> (null for empty optional cells).</summary>
    public object?[] Typed { get; }

    public void Clear()
    {
        Array.Clear(Cells);
        Array.Clear(Missing);
        Array.Clear(_known);
    }

    /// <summary>Sets a field's cell from the record's text: the string (and outcome) of an equal earlier valid cell when remembered.</summary>
    public void SetCell(int field, ReadOnlySpan<char> text)
    {
        var memo = _memos[field];
        if (memo is { Enabled: true } && memo.TryGet(text, out var cell, out var typed))
        {
            Cells[field] = cell;
            Typed[field] = typed;
            _known[field] = true;
            return;
        }

        Cells[field] = text.ToString();
    }

    /// <summary>Validates the current cells; adds every error to <paramref name="errors"/>; fills <paramref name="values"/> (output order) when valid.</summary>
    public void Validate(List<CellError> errors, object?[] values)
    {
        for (int i = 0; i < _fields.Length; i++)
        {
            if (_known[i])
            {
                _ok[i] = true;
                continue;
            }

            if (Missing[i])
            {
                Typed[i] = null; // not the previous row's value
                _ok[i] = false;
                continue;
            }

            _ok[i] = CheckField(_fields[i], Cells[i] ?? "", errors);
            if (_ok[i] && Cells[i] is { } cell && _memos[i] is { Enabled: true } memo)
            {
                memo.Add(cell, Typed[i]);
            }
        }
        CheckCrossField(errors);
        var tax = _contract.Tax;
        if (tax is not null)
        {
            ApplyTax(tax, errors, values);
        }
        if (errors.Count > 0)
        {
            return;
        }
        foreach (var f in _fields)
        {
            if (f.OutputIndex >= 0)
            {
                values[f.OutputIndex] = Typed[f.Index];
            }
        }
        if (tax is not null && tax.PriceIncludesTax >= 0)
        {
            // The tax step resolved an empty price_includes_tax to the rule's default; store what was applied.
            values[_fields[tax.PriceIncludesTax].OutputIndex] = _resolvedIncludesTax ? BoxedTrue : BoxedFalse;
        }
    }

    private bool _resolvedIncludesTax;

    private bool CheckField(FieldSpec f, string raw, List<CellError> errors)
    {
        Typed[f.Index] = null;
        if (raw.Length > _maxFieldChars)
        {
            errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError,
                $"{f.Name} is {raw.Length} characters, more than the field size limit of {_maxFieldChars}", raw.Length <= 64 ? raw : raw[..64] + "..."));
            return false;
        }
        string v = f.Normalize.Length == 0 ? raw : Normalizer.Apply(raw, f.Normalize);
        if (IsOneOf(v, f.MissingValues))
        {
            if (f.Required)
            {
                errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} is required but the cell is empty{HintSuffix(f)}", raw));
                return false;
            }
            return true;
        }
        object typed;
        switch (f.Type)
        {
            case FieldType.String:
                typed = v;
                break;
            case FieldType.Number:
                if (!DecimalText.TryParse(v, out decimal number, out _))
                {
                    return TypeError(f, raw, "number", DecimalText.Expected, errors);
                }
                typed = number;
                break;
            case FieldType.Integer:
                if (!DecimalText.TryParseInteger(v, out long integer))
                {
                    return TypeError(f, raw, "whole number", "expected digits with an optional sign such as 42 or -7", errors);
                }
                typed = integer;
                break;
            case FieldType.Boolean:
                if (IsOneOf(v, f.TrueValues))
                {
                    typed = BoxedTrue;
                }
                else if (IsOneOf(v, f.FalseValues))
                {
                    typed = BoxedFalse;
                }
                else
                {
                    return TypeError(f, raw, "boolean", $"expected one of {string.Join(", ", f.TrueValues.Concat(f.FalseValues))}", errors);
                }
                break;
            case FieldType.DateTime:
                if (!IsoTimestamp.TryParse(v, out var utc, out var written))
                {
                    return TypeError(f, raw, "date/time", IsoTimestamp.Expected + " (a real calendar date and time)", errors);
                }
                typed = utc;
                _writtenDate[f.Index] = written;
                break;
            case FieldType.Date:
                if (!IsoTimestamp.TryParseDate(v, out var date))
                {
                    return TypeError(f, raw, "date", "expected a real calendar date YYYY-MM-DD such as 2024-03-01", errors);
                }
                typed = date;
                _writtenDate[f.Index] = date;
                break;
            default:
                throw new InvalidOperationException($"unhandled field type {f.Type}");
        }
        int before = errors.Count;
        if (f.Type == FieldType.String)
        {
            // A UTF-16 string has at least Length/2 scalar values, so counting runes is needed only near the limit.
            if (f.MinLength is { } min && v.Length < 2 * min && TextLength(v) < min)
            {
                errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} has {TextLength(v)} characters; at least {min} required{HintSuffix(f)}", raw));
            }
            if (f.MaxLength is { } max && v.Length > max && TextLength(v) > max)
            {
                errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} has {TextLength(v)} characters; at most {max} allowed{HintSuffix(f)}", raw));
            }
            if (f.Pattern is not null && !f.Pattern.IsMatch(v))
            {
                errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError,
                    $"{f.Name} '{v}' does not match the pattern {f.PatternText}" + (f.Hint is null ? "" : "; " + f.Hint), raw));
            }
            if (f.Reference is not null && !ReferenceData.Contains(f.Reference, v))
            {
                errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError,
                    $"{f.Name} '{v}' {ReferenceData.NotInList(f.Reference)}", raw));
            }
        }
        if (f.Enum is not null && !f.Enum.Contains(v))
        {
            errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} '{v}' is not allowed; expected one of {string.Join(", ", f.EnumValues!)}", raw));
        }
        if (f.Minimum is not null && f.Minimum.CompareTo(typed) > 0)
        {
            errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} '{v}' is below the minimum {Format(f.Minimum)}", raw));
        }
        if (f.Maximum is not null && f.Maximum.CompareTo(typed) < 0)
        {
            errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} '{v}' is above the maximum {Format(f.Maximum)}", raw));
        }
        if (errors.Count > before)
        {
            return false;
        }
        Typed[f.Index] = typed;
        return true;
    }

    private void CheckCrossField(List<CellError> errors)
    {
        foreach (var f in _fields)
        {
            if (!_ok[f.Index] || Typed[f.Index] is null)
            {
                continue;
            }
            if (f.ScaleFrom >= 0 && _ok[f.ScaleFrom] && Typed[f.ScaleFrom] is string currency)
            {
                int minor = ReferenceData.Currencies[currency];
                int decimals = DecimalScale(Cells[f.Index]!);
                if (decimals > minor)
                {
                    errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError,
                        $"{f.Name} '{Cells[f.Index]!.Trim()}' has {decimals} decimals; {currency} allows at most {minor}", Cells[f.Index]));
                    _ok[f.Index] = false;
                }
            }
            if (f.PrefixFrom >= 0 && _ok[f.PrefixFrom] && Typed[f.PrefixFrom] is string prefix)
            {
                string value = (string)Typed[f.Index]!;
                if (!(value.Length > prefix.Length && value.StartsWith(prefix, StringComparison.Ordinal) && value[prefix.Length] == '-'))
                {
                    errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError,
                        $"{f.Name} '{value}' does not belong to {_fields[f.PrefixFrom].Name} '{prefix}'; expected a code starting with {prefix}-", Cells[f.Index]));
                    _ok[f.Index] = false;
                }
            }
        }
    }

    private void ApplyTax(TaxSpec tax, List<CellError> errors, object?[] values)
    {
        // Tax needs every input; if one is wrong its own error already explains the row.
        if (!_ok[tax.Amount] || !_ok[tax.Currency] || !_ok[tax.Country] || !_ok[tax.Date]
            || (tax.Region >= 0 && !_ok[tax.Region]) || (tax.Category >= 0 && !_ok[tax.Category])
            || (tax.PriceIncludesTax >= 0 && !_ok[tax.PriceIncludesTax]))
        {
            return;
        }
        string country = (string)Typed[tax.Country]!;
        string? region = tax.Region >= 0 ? (string?)Typed[tax.Region] : null;
        string? category = tax.Category >= 0 ? (string?)Typed[tax.Category] : null;
        var taxDate = _writtenDate[tax.Date];
        var rule = tax.Rules.Find(country, region, category, taxDate);
        if (rule is null)
        {
            errors.Add(new CellError(null, FileErrorCodes.NoTaxRule,
                $"no tax rule for country {country}, region {region ?? "(none)"}, category {category ?? "(none)"} on {taxDate:yyyy-MM-dd}; add one to the tax rules ({tax.Rules.Source})",
                null));
            return;
        }
        if (errors.Count > 0)
        {
            return;
        }
        string currency = (string)Typed[tax.Currency]!;
        bool includesTax = (tax.PriceIncludesTax >= 0 ? (bool?)Typed[tax.PriceIncludesTax] : null) ?? rule.PriceIncludesTax;
        var (net, taxAmount, gross) = TaxCalculator.Compute((decimal)Typed[tax.Amount]!, rule.Rate, includesTax, ReferenceData.Currencies[currency]);
        _resolvedIncludesTax = includesTax;
        values[tax.NetOutput] = net;
        values[tax.TaxOutput] = taxAmount;
        values[tax.GrossOutput] = gross;
        values[tax.RateOutput] = rule.Rate;
        values[tax.RuleIdOutput] = rule.RuleId;
    }

    // One box each for the whole run instead of one per row.
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    // Array.IndexOf goes through EqualityComparer<string>.Default, a generic lookup per call on the hot path.
    private static bool IsOneOf(string value, string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (string.Equals(value, candidate, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TypeError(FieldSpec f, string raw, string what, string expected, List<CellError> errors)
    {
        errors.Add(new CellError(f.Name, FileErrorCodes.TypeError, $"{f.Name} '{raw.Trim()}' is not a valid {what}; {expected}", raw));
        return false;
    }

    private static string HintSuffix(FieldSpec f) => f.Hint is null ? "" : "; " + f.Hint;

    /// <summary>Length in Unicode scalar values (what PostgreSQL counts), not UTF-16 units.</summary>
    private static int TextLength(string s)
    {
        int n = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            n++;
        }
        return n;
    }

    private static int DecimalScale(string raw)
    {
        var s = raw.AsSpan().Trim();
        int dot = s.IndexOf('.');
        return dot < 0 ? 0 : s.Length - dot - 1;
    }

    private static string Format(IComparable value) => value switch
    {
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

}
