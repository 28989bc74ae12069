using System.Text.Json;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The cells of string formats and structured types (Table Schema v2), and the constraints that only they and the
/// exclusive bounds use. Kept apart from the common types' hot path in RowValidator.Cell.cs.
/// </summary>
internal sealed partial class RowValidator
{
    // The member or item count of the current object, array or list cell, for minLength/maxLength.
    private int _collectionLength;

    /// <summary>email, uri, uuid, binary: email and uri stay text; uuid becomes a Guid and binary its bytes.</summary>
    private static bool TryConvertFormatted(FieldSpec f, string v, string raw, List<CellError> errors, out object typed)
    {
        typed = v;
        switch (f.Format)
        {
            case NamedFormat.Email:
                return StringFormats.IsEmail(v) || TypeError(f, raw, "email address", StringFormats.EmailExpected, errors);
            case NamedFormat.Uri:
                return StringFormats.IsUri(v) || TypeError(f, raw, "URI", StringFormats.UriExpected, errors);
            case NamedFormat.Uuid when StringFormats.TryUuid(v, out var uuid):
                typed = uuid;
                return true;
            case NamedFormat.Uuid:
                return TypeError(f, raw, "UUID", StringFormats.UuidExpected, errors);
            case NamedFormat.Binary when StringFormats.TryBinary(v, out var bytes):
                typed = bytes;
                return true;
            case NamedFormat.Binary:
                return TypeError(f, raw, "base64 value", StringFormats.BinaryExpected, errors);
            default:
                throw new InvalidOperationException($"unhandled string format {f.Format}");
        }
    }

    /// <summary>object, array, geojson: the JSON text; list: the items as a JSON array; geopoint: a <see cref="GeoPoint"/>.</summary>
    private bool TryConvertStructured(FieldSpec f, string v, string raw, List<CellError> errors, out object typed)
    {
        typed = v;
        switch (f.Type)
        {
            case FieldType.List:
                if (!ListText.TryParse(v, f.ListDelimiter, f.ListItemType, out var json, out _collectionLength, out var bad))
                {
                    string itemType = f.ListItemType.ToString().ToLowerInvariant();
                    return TypeError(f, raw, "list", $"item '{bad}' is not a valid {itemType}; expected {itemType} items separated by '{f.ListDelimiter}'", errors);
                }
                typed = json;
                return true;
            case FieldType.GeoPoint:
                if (!GeoText.TryParsePoint(v, f.Format, out var point))
                {
                    string expected = f.Format switch
                    {
                        NamedFormat.Array => GeoText.PointArrayExpected,
                        NamedFormat.Object => GeoText.PointObjectExpected,
                        _ => GeoText.PointDefaultExpected,
                    };
                    return TypeError(f, raw, "geopoint", expected, errors);
                }
                typed = point;
                return true;
            default:
                return TryConvertJson(f, v, raw, errors);
        }
    }

    private bool TryConvertJson(FieldSpec f, string v, string raw, List<CellError> errors)
    {
        using var document = JsonText.Parse(v, out string problem);
        var root = document?.RootElement;
        bool ok = f.Type switch
        {
            FieldType.Object => root?.ValueKind == JsonValueKind.Object,
            FieldType.Array => root?.ValueKind == JsonValueKind.Array,
            _ => root is { } r && GeoText.IsGeoJson(r, f.Format),
        };
        if (ok)
        {
            _collectionLength = f.Type == FieldType.Array ? root!.Value.GetArrayLength() : f.Type == FieldType.Object ? root!.Value.EnumerateObject().Count() : 0;
            return true;
        }
        string reason = document is null ? $"{problem}; " : "";
        return f.Type switch
        {
            FieldType.Object => TypeError(f, raw, "object", reason + "expected a JSON object such as {\"key\": \"value\"}", errors),
            FieldType.Array => TypeError(f, raw, "array", reason + "expected a JSON array such as [1, \"two\"]", errors),
            _ => TypeError(f, raw, f.Format == NamedFormat.TopoJson ? "TopoJSON object" : "GeoJSON object",
                reason + (f.Format == NamedFormat.TopoJson ? GeoText.TopoJsonExpected : GeoText.GeoJsonExpected), errors),
        };
    }

    /// <summary>exclusiveMinimum/exclusiveMaximum, and minLength/maxLength of collections (their members or items).</summary>
    private void CheckStructuredConstraints(FieldSpec f, string v, object typed, string raw, List<CellError> errors)
    {
        if (f.ExclusiveMinimum is not null && f.ExclusiveMinimum.CompareTo(typed) >= 0)
        {
            errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} '{v}' is not above the exclusive minimum {Format(f.ExclusiveMinimum)}", raw));
        }
        if (f.ExclusiveMaximum is not null && f.ExclusiveMaximum.CompareTo(typed) <= 0)
        {
            errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} '{v}' is not below the exclusive maximum {Format(f.ExclusiveMaximum)}", raw));
        }
        if (f.Type is not (FieldType.Object or FieldType.Array or FieldType.List))
        {
            return;
        }
        string unit = f.Type == FieldType.Object ? "members" : "items";
        if (f.MinLength is { } min && _collectionLength < min)
        {
            errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} has {_collectionLength} {unit}; at least {min} required{HintSuffix(f)}", raw));
        }
        if (f.MaxLength is { } max && _collectionLength > max)
        {
            errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError, $"{f.Name} has {_collectionLength} {unit}; at most {max} allowed{HintSuffix(f)}", raw));
        }
    }
}
