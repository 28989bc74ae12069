using System.Globalization;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The <c>unique</c> constraint across one file: a later row whose value repeats a kept row's value is rejected with
/// <c>unique-error</c> (frictionless-py's code). Null values are left out, as the standard says for unique keys and as
/// SQL does. Values compare by their logical value: a number's trailing zeros, a uuid's case and a JSON value's
/// white space and member order do not count.
/// </summary>
/// <remarks>
/// Memory grows with the distinct values of each unique field, as PostgreSQL's own unique index would; the loader
/// and validate run it alike, so a file gets the same verdict from both.
/// </remarks>
internal sealed class UniqueValues
{
    private readonly FieldSpec[] _fields;
    private readonly Dictionary<string, long>[] _seen;
    private readonly string?[] _keys;

    private UniqueValues(FieldSpec[] fields)
    {
        _fields = fields;
        _seen = fields.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
        _keys = new string?[fields.Length];
    }

    /// <summary>Null when the contract has no unique field.</summary>
    public static UniqueValues? For(Contract contract)
    {
        var fields = contract.Fields.Where(f => f.Unique).ToArray();
        return fields.Length == 0 ? null : new UniqueValues(fields);
    }

    /// <summary>Adds an error for each unique field whose value an earlier kept row had.</summary>
    public void Check(RowValidator validator, List<CellError> errors)
    {
        for (int i = 0; i < _fields.Length; i++)
        {
            var f = _fields[i];
            _keys[i] = validator.TypedValue(f.Index) is { } value ? Key(f, value) : null;
            if (_keys[i] is { } key && _seen[i].TryGetValue(key, out long firstLine))
            {
                string shown = key.Length <= 64 ? key : key[..64] + "...";
                errors.Add(new CellError(f.Name, FileErrorCodes.UniqueError,
                    $"{f.Name} '{shown}' repeats line {firstLine}, whose row was kept; {f.Name} must be unique within the file", shown));
            }
        }
    }

    /// <summary>Remembers the values of the row just checked, once it is kept.</summary>
    public void Remember(long line)
    {
        for (int i = 0; i < _fields.Length; i++)
        {
            if (_keys[i] is { } key)
            {
                _seen[i].TryAdd(key, line);
            }
        }
    }

    private static string Key(FieldSpec f, object value) => value switch
    {
        _ when f.Type is FieldType.Object or FieldType.Array or FieldType.List or FieldType.GeoJson => JsonText.Canonical((string)value),
        string s => s,
        // Dividing by 1 with 28 zeros drops trailing zeros: 1.50 and 1.5 are one number.
        decimal d => (d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
        GeoPoint p => string.Create(CultureInfo.InvariantCulture, $"{p.Longitude / 1.0000000000000000000000000000m}, {p.Latitude / 1.0000000000000000000000000000m}"),
        byte[] b => Convert.ToBase64String(b),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
