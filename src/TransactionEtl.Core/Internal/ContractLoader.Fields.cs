using System.Collections.Frozen;
using System.Text.Json;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// One contract field compiled into a <see cref="FieldSpec"/>: name, type, header labels, normalization,
/// constraints and boolean spellings, each checked in that order so the first mistake reported stays the same.
/// </summary>
internal static partial class ContractLoader
{
    private sealed partial class Builder
    {
        private FieldSpec BuildField(FieldDocument? f, int index, string[] contractMissing, Dictionary<string, string> labelOwner)
        {
            string at = $"fields[{index}]";
            if (f is null)
            {
                throw Error(at, "null; expected a field object");
            }
            RefuseUnknown(f.Extra, at, UnsupportedFieldProperties, extensionScope: false);
            string name = FieldName(f.Name, at);
            var type = ParseType(f.Type, at);
            var temporalFormat = BuildTemporalFormat(f.Format, type, at);
            var (format, delimiter, itemType) = BuildTypeOptions(f, type, at);
            var ext = f.Txetl ?? new FieldExtensionDocument();
            RefuseUnknown(ext.Extra, $"{at}.x-txetl", [], extensionScope: true);
            string[] labelKeys = ClaimLabels(name, ext.Aliases, at, labelOwner);
            NormalizationStep[] steps = NormalizationSteps(ext.Normalize, at);

            var c = f.Constraints ?? new ConstraintsDocument();
            RefuseUnknown(c.Extra, $"{at}.constraints", ["jsonSchema"], extensionScope: false);
            var pattern = BuildPattern(c.Pattern, type, at);
            CheckLengths(c, type, at);
            string[]? enumValues = BuildEnum(c.Enum, at);
            var numberText = BuildNumberText(f, type, at);
            var (minimum, maximum) = BuildRange(c, type, at, numberText, temporalFormat);
            var (exclusiveMinimum, exclusiveMaximum) = BuildExclusiveRange(c, type, at, minimum, maximum, numberText, temporalFormat);
            var (trueValues, falseValues) = BooleanValues(f, type, at);
            CheckReference(ext.Reference, type, at);

            return new FieldSpec
            {
                Name = name,
                Index = index,
                Type = type,
                Labels = labelKeys,
                Normalize = steps,
                Required = c.Required ?? false,
                Pattern = pattern,
                PatternText = c.Pattern,
                Enum = enumValues?.ToFrozenSet(StringComparer.Ordinal),
                EnumValues = enumValues,
                MinLength = c.MinLength,
                MaxLength = c.MaxLength,
                Minimum = minimum,
                Maximum = maximum,
                Reference = ext.Reference,
                TrueValues = trueValues,
                FalseValues = falseValues,
                MissingValues = f.MissingValues?.ToArray() ?? contractMissing,
                Hint = ext.Hint,
                NumberText = numberText,
                TemporalFormat = temporalFormat,
                Format = format,
                ExclusiveMinimum = exclusiveMinimum,
                ExclusiveMaximum = exclusiveMaximum,
                Unique = c.Unique ?? false,
                ListDelimiter = delimiter,
                ListItemType = itemType,
            };
        }

        private string FieldName(string? name, string at)
        {
            if (!IsIdentifier(name))
            {
                throw Error($"{at}.name", name is null
                    ? "missing; expected a field name such as \"transaction_id\""
                    : $"'{name}' is not a valid name; expected ^[a-z_][a-z0-9_]{{0,62}}$ (use x-txetl.aliases for other header spellings)");
            }
            return name!;
        }

        private FieldType ParseType(string? type, string at) => (type ?? "string") switch
        {
            "string" => FieldType.String,
            "number" => FieldType.Number,
            "integer" => FieldType.Integer,
            "boolean" => FieldType.Boolean,
            "datetime" => FieldType.DateTime,
            "date" => FieldType.Date,
            "time" => FieldType.Time,
            "year" => FieldType.Year,
            "yearmonth" => FieldType.YearMonth,
            "duration" => FieldType.Duration,
            "any" => FieldType.Any,
            "object" => FieldType.Object,
            "array" => FieldType.Array,
            "list" => FieldType.List,
            "geopoint" => FieldType.GeoPoint,
            "geojson" => FieldType.GeoJson,
            var other => throw Error($"{at}.type", $"'{other}' is not supported; expected string, number, integer, boolean, datetime, date, time, year, yearmonth, duration, any, object, array, list, geopoint or geojson"),
        };

        /// <summary>The header keys of the field's name and aliases, each claimed for this field in <paramref name="labelOwner"/>.</summary>
        private string[] ClaimLabels(string name, List<string>? aliases, string at, Dictionary<string, string> labelOwner)
        {
            var labels = new List<string> { name };
            for (int a = 0; a < (aliases?.Count ?? 0); a++)
            {
                string alias = aliases![a]?.Trim() ?? "";
                if (alias.Length == 0)
                {
                    throw Error($"{at}.x-txetl.aliases[{a}]", "an alias must not be empty");
                }
                labels.Add(alias);
            }
            var labelKeys = new List<string>();
            foreach (var label in labels)
            {
                string key = HeaderKey(label);
                if (labelOwner.TryGetValue(key, out var owner))
                {
                    throw Error($"{at}.x-txetl.aliases", $"header name '{label}' already belongs to field '{owner}'");
                }
                labelOwner[key] = name;
                labelKeys.Add(key);
            }
            return labelKeys.ToArray();
        }

        private NormalizationStep[] NormalizationSteps(List<string>? names, string at)
        {
            var steps = new List<NormalizationStep>();
            for (int s = 0; s < (names?.Count ?? 0); s++)
            {
                if (!Normalizer.StepNames.TryGetValue(names![s] ?? "", out var step))
                {
                    throw Error($"{at}.x-txetl.normalize[{s}]", $"unknown step '{names[s]}'; expected one of {string.Join(", ", Normalizer.StepNames.Keys)}");
                }
                steps.Add(step);
            }
            return steps.ToArray();
        }

        private PatternMatcher? BuildPattern(string? pattern, FieldType type, string at)
        {
            if (pattern is null)
            {
                return null;
            }
            if (type != FieldType.String)
            {
                throw Error($"{at}.constraints.pattern", "applies only to string fields");
            }
            try
            {
                // NonBacktracking: linear time whatever the pattern, so a hostile cell cannot stall the loader.
                return PatternMatcher.Create(pattern);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                throw Error($"{at}.constraints.pattern", $"invalid regex: {e.Message}");
            }
        }

        private void CheckLengths(ConstraintsDocument c, FieldType type, string at)
        {
            if ((c.MinLength is not null || c.MaxLength is not null) && type is not (FieldType.String or FieldType.Object or FieldType.Array or FieldType.List))
            {
                throw Error($"{at}.constraints", "minLength/maxLength apply only to string fields and to the collections object, array and list (their number of members or items)");
            }
            if (c.MinLength < 0 || c.MaxLength < 0 || c.MinLength > c.MaxLength)
            {
                throw Error($"{at}.constraints.minLength", "minLength and maxLength must be >= 0 and minLength <= maxLength");
            }
        }

        private string[]? BuildEnum(List<JsonElement>? values, string at)
        {
            if (values is null)
            {
                return null;
            }
            var enumValues = new string[values.Count];
            for (int e = 0; e < enumValues.Length; e++)
            {
                var element = values[e];
                enumValues[e] = element.ValueKind switch
                {
                    JsonValueKind.String => element.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
                    _ => throw Error($"{at}.constraints.enum[{e}]", "must be a string or a number"),
                };
            }
            if (enumValues.Length == 0)
            {
                throw Error($"{at}.constraints.enum", "must list at least one value");
            }
            return enumValues;
        }

        private (IComparable? Minimum, IComparable? Maximum) BuildRange(ConstraintsDocument c, FieldType type, string at, NumberText? number, TemporalFormat? temporal)
        {
            var minimum = Bound(c.Minimum, type, $"{at}.constraints.minimum", number, temporal);
            var maximum = Bound(c.Maximum, type, $"{at}.constraints.maximum", number, temporal);
            if (minimum is not null && maximum is not null && minimum.CompareTo(maximum) > 0)
            {
                throw Error($"{at}.constraints.minimum", "minimum is greater than maximum");
            }
            return (minimum, maximum);
        }

        private IComparable? Bound(JsonElement? element, FieldType type, string path, NumberText? number, TemporalFormat? temporal)
        {
            if (element is not { } e || e.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            string text = e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
            return ParseBound(text, type, number, temporal, path);
        }

        private (string[] True, string[] False) BooleanValues(FieldDocument f, FieldType type, string at)
        {
            if ((f.TrueValues is not null || f.FalseValues is not null) && type != FieldType.Boolean)
            {
                throw Error($"{at}.trueValues", "trueValues/falseValues apply only to boolean fields");
            }
            string[] trueValues = f.TrueValues?.ToArray() ?? DefaultTrueValues;
            string[] falseValues = f.FalseValues?.ToArray() ?? DefaultFalseValues;
            if (trueValues.Intersect(falseValues, StringComparer.Ordinal).FirstOrDefault() is { } both)
            {
                throw Error($"{at}.trueValues", $"'{both}' is both a true and a false value");
            }
            return (trueValues, falseValues);
        }

        private void CheckReference(string? reference, FieldType type, string at)
        {
            if (reference is not null && !ReferenceData.IsKnownList(reference))
            {
                throw Error($"{at}.x-txetl.reference", $"unknown reference list '{reference}'; expected {ReferenceData.Iso4217} or {ReferenceData.Iso3166Alpha2}");
            }
            if (reference is not null && type != FieldType.String)
            {
                throw Error($"{at}.x-txetl.reference", "applies only to string fields");
            }
        }

        /// <summary>Resolves <c>scaleFrom</c> and <c>prefixFrom</c>, which name other fields, once every field is built.</summary>
        private void ResolveReferences(FieldDocument f, FieldSpec spec, Dictionary<string, FieldSpec> byName, string at)
        {
            if (f.Txetl?.ScaleFrom is { } scaleFrom)
            {
                if (!byName.TryGetValue(scaleFrom, out var currency) || currency.Reference != ReferenceData.Iso4217)
                {
                    throw Error($"{at}.scaleFrom", $"'{scaleFrom}' must name a string field with \"reference\": \"{ReferenceData.Iso4217}\"");
                }
                if (spec.Type != FieldType.Number)
                {
                    throw Error($"{at}.scaleFrom", "applies only to number fields");
                }
                spec.ScaleFrom = currency.Index;
            }
            if (f.Txetl?.PrefixFrom is { } prefixFrom)
            {
                if (!byName.TryGetValue(prefixFrom, out var country) || !IsPlainText(country) || !IsPlainText(spec))
                {
                    throw Error($"{at}.prefixFrom", $"'{prefixFrom}' must name a string field, and this field must be a string");
                }
                spec.PrefixFrom = country.Index;
            }
        }
    }
}
