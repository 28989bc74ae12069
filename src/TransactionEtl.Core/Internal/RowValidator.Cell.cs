using System.Globalization;
using System.Runtime.CompilerServices;

namespace TransactionEtl.Core.Internal;

/// <summary>The checks of one cell, in the order they run: size, emptiness, type, then the constraints of its field.</summary>
internal sealed partial class RowValidator
{
    /// <summary>Checks one present cell: size, emptiness, type, then constraints; sets its typed value when valid.</summary>
    private bool CheckField(FieldSpec f, string raw, List<CellError> errors)
    {
        _typed[f.Index].Value = null;
        if (raw.Length > _maxFieldChars)
        {
            return TooLong(f, raw, errors);
        }
        string v = f.Normalize.Length == 0 ? raw : Normalizer.Apply(raw, f.Normalize);
        if (f.IsMissing(v))
        {
            return !f.Required || RequiredButEmpty(f, raw, errors);
        }
        if (!TryConvert(f, v, raw, errors, out object typed))
        {
            return false;
        }
        int before = errors.Count;
        if (f.Type == FieldType.String)
        {
            CheckText(f, v, raw, errors);
        }
        // The bounds compare boxed values; a number or date/time is boxed only for a field that has bounds.
        object compared = typed == Unboxed && HasBounds(f) ? Boxed(f.Index) : typed;
        CheckAllowedValues(f, v, compared, raw, errors);
        if (f.ExclusiveMinimum is not null || f.ExclusiveMaximum is not null || f.Type is FieldType.Object or FieldType.Array or FieldType.List)
        {
            CheckStructuredConstraints(f, v, compared, raw, errors);
        }
        if (errors.Count > before)
        {
            return false;
        }
        _typed[f.Index].Value = typed;
        return true;
    }

    private bool TooLong(FieldSpec f, string raw, List<CellError> errors)
    {
        errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError,
            $"{f.Name} is {raw.Length} characters, more than the field size limit of {_maxFieldChars}", raw.Length <= 64 ? raw : raw[..64] + "..."));
        return false;
    }

    private static bool RequiredButEmpty(FieldSpec f, string raw, List<CellError> errors)
    {
        errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} is required but the cell is empty{HintSuffix(f)}", raw));
        return false;
    }

    /// <summary>The cell's value as its field's type (a date also keeps its written date for the tax step); false after a type error.</summary>
    // Per cell: inlined so that naming the step costs no call on the hot path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryConvert(FieldSpec f, string v, string raw, List<CellError> errors, out object typed)
    {
        typed = null!; // read only after a true return
        switch (f.Type)
        {
            case FieldType.String:
                if (f.Format != NamedFormat.Default)
                {
                    return TryConvertFormatted(f, v, raw, errors, out typed);
                }
                typed = v;
                return true;
            case FieldType.Number:
                if (f.NumberText is null ? !DecimalText.TryParse(v, out decimal number, out _) : !f.NumberText.TryParseNumber(v, out number))
                {
                    return TypeError(f, raw, "number", f.NumberText?.ExpectedNumber ?? DecimalText.Expected, errors);
                }
                _numbers[f.Index] = number;
                typed = Unboxed;
                return true;
            case FieldType.Integer:
                if (f.NumberText is null ? !DecimalText.TryParseInteger(v, out long integer) : !f.NumberText.TryParseInteger(v, out integer))
                {
                    return TypeError(f, raw, "whole number", f.NumberText?.ExpectedInteger ?? "expected digits with an optional sign such as 42 or -7", errors);
                }
                typed = integer;
                return true;
            case FieldType.Boolean:
                return TryConvertBoolean(f, v, raw, errors, out typed);
            case FieldType.DateTime:
                if (f.TemporalFormat is null ? !IsoTimestamp.TryParse(v, out var utc, out var written) : !f.TemporalFormat.TryParseDateTime(v, out utc, out written))
                {
                    return TypeError(f, raw, "date/time", (f.TemporalFormat?.Expected ?? IsoTimestamp.Expected) + " (a real calendar date and time)", errors);
                }
                _timestamps[f.Index] = utc;
                typed = Unboxed;
                _writtenDate[f.Index] = written;
                return true;
            case FieldType.Date:
                if (f.TemporalFormat is null ? !IsoTimestamp.TryParseDate(v, out var date) : !f.TemporalFormat.TryParseDate(v, out date))
                {
                    return TypeError(f, raw, "date", f.TemporalFormat is null ? "expected a real calendar date YYYY-MM-DD such as 2024-03-01" : f.TemporalFormat.Expected + " (a real calendar date)", errors);
                }
                typed = date;
                _writtenDate[f.Index] = date;
                return true;
            case FieldType.Time or FieldType.Year or FieldType.YearMonth or FieldType.Duration:
                return TryConvertTemporal(f, v, raw, errors, out typed);
            case FieldType.Any:
                typed = v;
                return true;
            case FieldType.Object or FieldType.Array or FieldType.List or FieldType.GeoPoint or FieldType.GeoJson:
                return TryConvertStructured(f, v, raw, errors, out typed);
            default:
                throw new InvalidOperationException($"unhandled field type {f.Type}");
        }
    }

    /// <summary>The Table Schema v2 types time, year, yearmonth and duration; none of them is on the default contract's path.</summary>
    private static bool TryConvertTemporal(FieldSpec f, string v, string raw, List<CellError> errors, out object typed)
    {
        typed = null!; // read only after a true return
        switch (f.Type)
        {
            case FieldType.Time when f.TemporalFormat is null ? TemporalText.TryParseTime(v, out var time) : f.TemporalFormat.TryParseTime(v, out time):
                typed = time;
                return true;
            case FieldType.Time:
                return TypeError(f, raw, "time", f.TemporalFormat?.Expected ?? TemporalText.ExpectedTime, errors);
            case FieldType.Year when TemporalText.TryParseYear(v, out int year):
                typed = year;
                return true;
            case FieldType.Year:
                return TypeError(f, raw, "year", TemporalText.ExpectedYear, errors);
            case FieldType.YearMonth when TemporalText.TryParseYearMonth(v, out var month):
                typed = month;
                return true;
            case FieldType.YearMonth:
                return TypeError(f, raw, "year and month", TemporalText.ExpectedYearMonth, errors);
            case FieldType.Duration when DurationText.TryParse(v, out var duration):
                typed = duration;
                return true;
            default:
                return TypeError(f, raw, "duration", DurationText.Expected, errors);
        }
    }

    private static bool TryConvertBoolean(FieldSpec f, string v, string raw, List<CellError> errors, out object typed)
    {
        if (IsOneOf(v, f.TrueValues))
        {
            typed = BoxedTrue;
            return true;
        }
        if (IsOneOf(v, f.FalseValues))
        {
            typed = BoxedFalse;
            return true;
        }
        typed = null!; // read only after a true return
        return TypeError(f, raw, "boolean", $"expected one of {string.Join(", ", f.TrueValues.Concat(f.FalseValues))}", errors);
    }

    /// <summary>The string-only constraints: length in characters, pattern and reference list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckText(FieldSpec f, string v, string raw, List<CellError> errors)
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

    /// <summary>The constraints of every type: enum, minimum and maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckAllowedValues(FieldSpec f, string v, object typed, string raw, List<CellError> errors)
    {
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
    }

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
    private static int TextLength(ReadOnlySpan<char> s)
    {
        int n = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            n++;
        }
        return n;
    }

    private static string Format(IComparable value) => value switch
    {
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
