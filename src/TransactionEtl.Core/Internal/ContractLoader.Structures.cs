namespace TransactionEtl.Core.Internal;

/// <summary>
/// The string formats, the structured types (object, array, list, geopoint, geojson, any) and the constraints
/// <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c> and <c>unique</c> (Table Schema v2). Which constraint applies to
/// which type follows frictionless-py's <c>supported_constraints</c> per field class.
/// </summary>
internal static partial class ContractLoader
{
    private static readonly Dictionary<FieldType, string[]> NamedFormats = new()
    {
        [FieldType.String] = ["email", "uri", "uuid", "binary"],
        [FieldType.GeoPoint] = ["array", "object"],
        [FieldType.GeoJson] = ["topojson"],
    };

    /// <summary>Whether a string field's value is text: the default, email and uri formats (uuid and binary are not).</summary>
    private static bool IsPlainText(FieldSpec field) =>
        field.Type == FieldType.String && field.Format is NamedFormat.Default or NamedFormat.Email or NamedFormat.Uri;

    private sealed partial class Builder
    {
        /// <summary>The field's format and list options, each refused where its type has no use for it.</summary>
        private (NamedFormat Format, string Delimiter, FieldType ItemType) BuildTypeOptions(FieldDocument f, FieldType type, string at)
        {
            var format = BuildFormat(f.Format, type, at);
            if (format is NamedFormat.Uuid or NamedFormat.Binary && f.Txetl?.Reference is not null)
            {
                throw Error($"{at}.x-txetl.reference", $"applies only to text; a {f.Format} string is not text once read");
            }
            if (type is FieldType.Object or FieldType.Array or FieldType.List or FieldType.GeoPoint or FieldType.GeoJson && f.Constraints?.Enum is not null)
            {
                throw Error($"{at}.constraints.enum", $"is not supported by txetl for {f.Type} fields (see docs/contracts.md)");
            }
            if (type != FieldType.List)
            {
                if (f.Delimiter is not null || f.ItemType is not null)
                {
                    throw Error($"{at}.{(f.Delimiter is not null ? "delimiter" : "itemType")}", "applies only to list fields");
                }
                return (format, ",", FieldType.String);
            }
            if (f.Delimiter is "")
            {
                throw Error($"{at}.delimiter", "must not be empty; the default is \",\"");
            }
            return (format, f.Delimiter ?? ",", ListItemType(f.ItemType, at));
        }

        private NamedFormat BuildFormat(string? format, FieldType type, string at)
        {
            if (type is FieldType.Date or FieldType.Time or FieldType.DateTime)
            {
                return NamedFormat.Default; // BuildTemporalFormat reads their patterns
            }
            string name = format is null ? "default" : WithoutFmtPrefix(format);
            if (name == "default")
            {
                return NamedFormat.Default;
            }
            if (NamedFormats.TryGetValue(type, out var names) && names.Contains(name, StringComparer.Ordinal))
            {
                return Enum.Parse<NamedFormat>(name, ignoreCase: true);
            }
            string accepted = NamedFormats.TryGetValue(type, out var known) ? "\"default\", \"" + string.Join("\", \"", known) + "\"" : "only \"default\"";
            throw Error($"{at}.format", $"'{format}' is not supported for a {type.ToString().ToLowerInvariant()} field; expected {accepted} (see docs/contracts.md for the accepted forms of each type)");
        }

        private FieldType ListItemType(string? itemType, string at)
        {
            if (itemType is null)
            {
                return FieldType.String;
            }
            // Type names are lower case in the standard ("datetime", not "DateTime").
            int known = itemType.All(char.IsAsciiLetterLower)
                ? Array.FindIndex(ListText.ItemTypes, t => t.ToString().Equals(itemType, StringComparison.OrdinalIgnoreCase))
                : -1;
            if (known >= 0)
            {
                return ListText.ItemTypes[known];
            }
            throw Error($"{at}.itemType", itemType == "time"
                ? "'time' is not supported yet; expected string, integer, boolean, number, datetime or date"
                : $"'{itemType}' is not a list item type; expected string, integer, boolean, number, datetime or date");
        }

        /// <summary>exclusiveMinimum/exclusiveMaximum: bounds like minimum/maximum, and the range they leave must not be empty.</summary>
        private (IComparable? Minimum, IComparable? Maximum) BuildExclusiveRange(
            ConstraintsDocument c, FieldType type, string at, IComparable? minimum, IComparable? maximum, NumberText? number, TemporalFormat? temporal)
        {
            var low = Bound(c.ExclusiveMinimum, type, $"{at}.constraints.exclusiveMinimum", number, temporal);
            var high = Bound(c.ExclusiveMaximum, type, $"{at}.constraints.exclusiveMaximum", number, temporal);
            if ((low is not null && (high ?? maximum) is { } upper && low.CompareTo(upper) >= 0)
                || (high is not null && minimum is not null && minimum.CompareTo(high) >= 0))
            {
                throw Error($"{at}.constraints.exclusiveMinimum", "the range of minimum/exclusiveMinimum and maximum/exclusiveMaximum admits no value");
            }
            return (low, high);
        }

        /// <summary>
        /// A primary key column is compared as text in SQL and held in a btree: point has no btree equality, and the
        /// text of jsonb and bytea is not the text the engine keys rows with.
        /// </summary>
        private void RefuseKeyType(FieldSpec field, string path)
        {
            if (field.Type is FieldType.Object or FieldType.Array or FieldType.List or FieldType.GeoPoint or FieldType.GeoJson
                || field.Format == NamedFormat.Binary)
            {
                throw Error(path, $"field '{field.Name}' cannot be part of the primary key: its type ({TypeName(field)}) is not supported in keys; use a string, integer, date or uuid field");
            }
        }
    }

    private static string TypeName(FieldSpec field) =>
        field.Format == NamedFormat.Default ? field.Type.ToString().ToLowerInvariant() : $"{field.Type.ToString().ToLowerInvariant()}/{field.Format.ToString().ToLowerInvariant()}";
}
