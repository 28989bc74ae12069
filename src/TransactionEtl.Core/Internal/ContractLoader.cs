using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Reads a contract file and checks every part of it once, at load, so that the hot loop never meets a surprise.
/// Each mistake is reported with its JSON path.
/// </summary>
internal static partial class ContractLoader
{
    public const string BuiltInRules = "builtin:tax_rates.csv";

    private static readonly string[] DefaultTrueValues = ["true", "True", "TRUE", "1"];
    private static readonly string[] DefaultFalseValues = ["false", "False", "FALSE", "0"];

    // Field properties of the Table Schema standard that change how values are read; refusing them is safer
    // than reading numbers differently from what the schema's author meant.
    private static readonly string[] UnsupportedFieldProperties = ["decimalChar", "groupChar", "bareNumber", "categories", "categoriesOrdered"];

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierRegex();

    public static Contract Load(Stream json, string source, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        ContractDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, ContractJsonContext.Default.ContractDocument);
        }
        catch (JsonException e)
        {
            string path = e.Path is { } p ? TrimRoot(p) : "";
            string reason = e.InnerException?.Message ?? e.Message;
            int cut = reason.IndexOf(" Path: ", StringComparison.Ordinal);
            throw new ContractException(source, path, "not valid contract JSON: " + (cut > 0 ? reason[..cut] : reason));
        }
        if (doc is null)
        {
            throw new ContractException(source, "", "the contract is null; expected a JSON object");
        }
        return new Builder(doc, source, baseDirectory).Build();
    }

    private static string TrimRoot(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    public static bool IsIdentifier(string? name) => name is not null && IdentifierRegex().IsMatch(name);

    private sealed class Builder(ContractDocument doc, string source, string? baseDirectory)
    {
        private ContractException Error(string path, string problem) => new(source, path, problem);

        public Contract Build()
        {
            RefuseUnknown(doc.Extra, "", ["foreignKeys", "uniqueKeys"], extensionScope: false);
            string name = RequireText(doc.Name, "name", "a contract name such as \"transactions\"");
            string version = RequireText(doc.Version, "version", "a version such as \"1.0.0\"");
            var dialect = BuildDialect(doc.Dialect);
            var ext = doc.Txetl ?? new ContractExtensionDocument();
            RefuseUnknown(ext.Extra, "x-txetl", [], extensionScope: true);

            if (doc.Fields is null || doc.Fields.Count == 0)
            {
                throw Error("fields", "at least one field is required");
            }
            string[] contractMissing = (doc.MissingValues ?? [""]).ToArray();
            var fields = new FieldSpec[doc.Fields.Count];
            var labelOwner = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = BuildField(doc.Fields[i], i, contractMissing, labelOwner);
            }
            var byName = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
            for (int i = 0; i < fields.Length; i++)
            {
                ResolveReferences(doc.Fields[i]!, fields[i], byName, $"fields[{i}].x-txetl");
            }

            var tax = BuildTax(ext.Tax, byName);
            var outputs = new List<OutputColumn>();
            var outputNames = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < fields.Length; i++)
            {
                var fd = doc.Fields[i]!;
                if (fd.Txetl?.Output == false)
                {
                    continue;
                }
                string column = fd.Txetl?.Column ?? fields[i].Name;
                if (!IsIdentifier(column))
                {
                    throw Error($"fields[{i}].x-txetl.column", $"'{column}' is not a valid column name; expected ^[a-z_][a-z0-9_]{{0,62}}$");
                }
                if (!outputNames.Add(column))
                {
                    throw Error($"fields[{i}].x-txetl.column", $"output column '{column}' is produced twice");
                }
                // The tax step fills an empty price_includes_tax from the rule, so that column is never null.
                bool filledByTax = tax is not null && tax.PriceIncludesTax == i;
                fields[i].OutputIndex = outputs.Count;
                outputs.Add(new OutputColumn(column, ToColumnType(fields[i].Type), !fields[i].Required && !filledByTax));
            }
            if (tax is not null)
            {
                int start = outputs.Count;
                foreach (var column in TaxSpec.OutputColumns)
                {
                    if (!outputNames.Add(column.Name))
                    {
                        throw Error("x-txetl.tax", $"the tax step produces column '{column.Name}', which a field already produces; rename that field's x-txetl.column");
                    }
                    outputs.Add(column);
                }
                tax.NetOutput = start;
                tax.TaxOutput = start + 1;
                tax.GrossOutput = start + 2;
                tax.RateOutput = start + 3;
                tax.RuleIdOutput = start + 4;
            }

            var (pkFields, pkColumns) = BuildPrimaryKey(fields, outputs);
            string table = ext.Table ?? name;
            if (!IsIdentifier(table))
            {
                throw Error(ext.Table is null ? "name" : "x-txetl.table", $"'{table}' is not a valid table name; expected ^[a-z_][a-z0-9_]{{0,62}}$");
            }
            decimal ratio = ext.MaxRejectedRatio ?? 0.05m;
            if (ratio < 0 || ratio > 1)
            {
                throw Error("x-txetl.maxRejectedRatio", $"{ratio.ToString(CultureInfo.InvariantCulture)} is out of range; expected a fraction between 0 and 1 such as 0.05");
            }
            return new Contract(name, version, doc.Title, source, outputs, pkColumns, table, ratio, fields, pkFields, dialect, tax);
        }

        private string RequireText(string? value, string path, string expected)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw Error(path, $"missing; expected {expected}");
            }
            return value;
        }

        private void RefuseUnknown(Dictionary<string, JsonElement>? extra, string path, string[] unsupported, bool extensionScope)
        {
            if (extra is null)
            {
                return;
            }
            foreach (var key in extra.Keys)
            {
                string at = path.Length == 0 ? key : $"{path}.{key}";
                if (extensionScope)
                {
                    // Our own namespace: an unknown key is a typo, and a typo silently ignored is a rule not applied.
                    throw Error(at, "unknown property; see docs/contracts.md for the x-txetl properties");
                }
                if (unsupported.Contains(key, StringComparer.Ordinal))
                {
                    throw Error(at, "this Table Schema feature is not supported by txetl; remove it (see docs/contracts.md)");
                }
            }
        }

        private DialectSpec BuildDialect(DialectDocument? d)
        {
            if (d is null)
            {
                return new DialectSpec();
            }
            RefuseUnknown(d.Extra, "dialect", ["commentChar", "commentRows", "headerRows", "headerJoin", "skipInitialSpace", "escapeChar", "nullSequence"], extensionScope: false);
            char delimiter = SingleChar(d.Delimiter, ',', "dialect.delimiter");
            char quote = SingleChar(d.QuoteChar, '"', "dialect.quoteChar");
            if (delimiter == quote || delimiter is '\r' or '\n' || quote is '\r' or '\n')
            {
                throw Error("dialect", "delimiter and quoteChar must differ and must not be line breaks");
            }
            if (d.DoubleQuote == false)
            {
                throw Error("dialect.doubleQuote", "only doubleQuote: true (RFC 4180 \"\" escaping) is supported");
            }
            string encodingName = (d.Encoding ?? "utf-8").Trim().ToLowerInvariant();
            Encoding? encoding = null;
            if (encodingName is not ("utf-8" or "utf8"))
            {
                encoding = encodingName switch
                {
                    "utf-16" or "utf-16le" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
                    "utf-16be" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true),
                    "iso-8859-1" or "latin1" => Encoding.Latin1,
                    _ => CodePagesEncodingProvider.Instance.GetEncoding(encodingName),
                };
                if (encoding is null)
                {
                    throw Error("dialect.encoding", $"unsupported encoding '{d.Encoding}'; use utf-8 (default), utf-16le, utf-16be, iso-8859-1 or a Windows code page such as windows-1252");
                }
            }
            return new DialectSpec { Delimiter = delimiter, Quote = quote, Header = d.Header ?? true, EncodingName = encodingName, Encoding = encoding };
        }

        private char SingleChar(string? value, char fallback, string path)
        {
            if (value is null)
            {
                return fallback;
            }
            if (value.Length != 1)
            {
                throw Error(path, $"'{value}' must be exactly one character");
            }
            return value[0];
        }

        private FieldSpec BuildField(FieldDocument? f, int index, string[] contractMissing, Dictionary<string, string> labelOwner)
        {
            string at = $"fields[{index}]";
            if (f is null)
            {
                throw Error(at, "null; expected a field object");
            }
            RefuseUnknown(f.Extra, at, UnsupportedFieldProperties, extensionScope: false);
            if (!IsIdentifier(f.Name))
            {
                throw Error($"{at}.name", f.Name is null
                    ? "missing; expected a field name such as \"transaction_id\""
                    : $"'{f.Name}' is not a valid name; expected ^[a-z_][a-z0-9_]{{0,62}}$ (use x-txetl.aliases for other header spellings)");
            }
            string name = f.Name!;
            var type = (f.Type ?? "string") switch
            {
                "string" => FieldType.String,
                "number" => FieldType.Number,
                "integer" => FieldType.Integer,
                "boolean" => FieldType.Boolean,
                "datetime" => FieldType.DateTime,
                "date" => FieldType.Date,
                var other => throw Error($"{at}.type", $"'{other}' is not supported; expected string, number, integer, boolean, datetime or date"),
            };
            if (f.Format is not null and not "default")
            {
                throw Error($"{at}.format", $"'{f.Format}' is not supported; only \"default\" (see docs/contracts.md for the accepted forms of each type)");
            }
            var ext = f.Txetl ?? new FieldExtensionDocument();
            RefuseUnknown(ext.Extra, $"{at}.x-txetl", [], extensionScope: true);

            var labels = new List<string> { name };
            for (int a = 0; a < (ext.Aliases?.Count ?? 0); a++)
            {
                string alias = ext.Aliases![a]?.Trim() ?? "";
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

            var steps = new List<NormalizationStep>();
            for (int s = 0; s < (ext.Normalize?.Count ?? 0); s++)
            {
                if (!Normalizer.StepNames.TryGetValue(ext.Normalize![s] ?? "", out var step))
                {
                    throw Error($"{at}.x-txetl.normalize[{s}]", $"unknown step '{ext.Normalize[s]}'; expected one of {string.Join(", ", Normalizer.StepNames.Keys)}");
                }
                steps.Add(step);
            }

            var c = f.Constraints ?? new ConstraintsDocument();
            RefuseUnknown(c.Extra, $"{at}.constraints", ["exclusiveMinimum", "exclusiveMaximum", "jsonSchema"], extensionScope: false);
            if (c.Unique == true)
            {
                throw Error($"{at}.constraints.unique", "not supported; use primaryKey for a unique column");
            }
            PatternMatcher? pattern = null;
            if (c.Pattern is not null)
            {
                if (type != FieldType.String)
                {
                    throw Error($"{at}.constraints.pattern", "applies only to string fields");
                }
                try
                {
                    // NonBacktracking: linear time whatever the pattern, so a hostile cell cannot stall the loader.
                    pattern = PatternMatcher.Create(c.Pattern);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException)
                {
                    throw Error($"{at}.constraints.pattern", $"invalid regex: {e.Message}");
                }
            }
            if ((c.MinLength is not null || c.MaxLength is not null) && type != FieldType.String)
            {
                throw Error($"{at}.constraints", "minLength/maxLength apply only to string fields");
            }
            if (c.MinLength < 0 || c.MaxLength < 0 || c.MinLength > c.MaxLength)
            {
                throw Error($"{at}.constraints.minLength", "minLength and maxLength must be >= 0 and minLength <= maxLength");
            }
            string[]? enumValues = null;
            if (c.Enum is not null)
            {
                enumValues = new string[c.Enum.Count];
                for (int e = 0; e < enumValues.Length; e++)
                {
                    var element = c.Enum[e];
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
            }
            var minimum = Bound(c.Minimum, type, $"{at}.constraints.minimum");
            var maximum = Bound(c.Maximum, type, $"{at}.constraints.maximum");
            if (minimum is not null && maximum is not null && minimum.CompareTo(maximum) > 0)
            {
                throw Error($"{at}.constraints.minimum", "minimum is greater than maximum");
            }

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
            if (ext.Reference is not null && !ReferenceData.IsKnownList(ext.Reference))
            {
                throw Error($"{at}.x-txetl.reference", $"unknown reference list '{ext.Reference}'; expected {ReferenceData.Iso4217} or {ReferenceData.Iso3166Alpha2}");
            }
            if (ext.Reference is not null && type != FieldType.String)
            {
                throw Error($"{at}.x-txetl.reference", "applies only to string fields");
            }

            return new FieldSpec
            {
                Name = name,
                Index = index,
                Type = type,
                Labels = labelKeys.ToArray(),
                Normalize = steps.ToArray(),
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
            };
        }

        private IComparable? Bound(JsonElement? element, FieldType type, string path)
        {
            if (element is not { } e || e.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            string text = e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
            switch (type)
            {
                case FieldType.Number when DecimalText.TryParse(text, out decimal d, out _):
                    return d;
                case FieldType.Integer when DecimalText.TryParseInteger(text, out long l):
                    return l;
                case FieldType.Date when IsoTimestamp.TryParseDate(text, out var date):
                    return date;
                case FieldType.DateTime when IsoTimestamp.TryParse(text, out var utc, out _):
                    return utc;
                case FieldType.Number or FieldType.Integer or FieldType.Date or FieldType.DateTime:
                    throw Error(path, $"'{text}' is not a valid {type.ToString().ToLowerInvariant()}");
                default:
                    throw Error(path, "minimum/maximum apply only to number, integer, date and datetime fields");
            }
        }

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
                if (!byName.TryGetValue(prefixFrom, out var country) || country.Type != FieldType.String || spec.Type != FieldType.String)
                {
                    throw Error($"{at}.prefixFrom", $"'{prefixFrom}' must name a string field, and this field must be a string");
                }
                spec.PrefixFrom = country.Index;
            }
        }

        private TaxSpec? BuildTax(TaxDocument? t, Dictionary<string, FieldSpec> byName)
        {
            if (t is null)
            {
                return null;
            }
            const string at = "x-txetl.tax";
            RefuseUnknown(t.Extra, at, [], extensionScope: true);
            int Field(string? name, string property, bool required, params FieldType[] types)
            {
                if (name is null)
                {
                    return required ? throw Error($"{at}.{property}", "missing; name the field that holds it") : -1;
                }
                if (!byName.TryGetValue(name, out var field))
                {
                    throw Error($"{at}.{property}", $"'{name}' is not a field of this contract");
                }
                if (!types.Contains(field.Type))
                {
                    throw Error($"{at}.{property}", $"field '{name}' must be of type {string.Join(" or ", types.Select(x => x.ToString().ToLowerInvariant()))}");
                }
                return field.Index;
            }
            int amount = Field(t.Amount, "amount", true, FieldType.Number);
            int currency = Field(t.Currency, "currency", true, FieldType.String);
            if (byName[t.Currency!].Reference != ReferenceData.Iso4217)
            {
                throw Error($"{at}.currency", $"field '{t.Currency}' must have \"x-txetl\": {{\"reference\": \"{ReferenceData.Iso4217}\"}} so its minor unit is known");
            }
            TaxRuleSet rules;
            if (t.Rules is null or BuiltInRules)
            {
                rules = TaxRuleSet.Default;
            }
            else
            {
                if (baseDirectory is null && !Path.IsPathRooted(t.Rules))
                {
                    throw Error($"{at}.rules", $"relative path '{t.Rules}' cannot be resolved for a contract that is not a file; use an absolute path or {BuiltInRules}");
                }
                string path = Path.Combine(baseDirectory ?? "", t.Rules);
                if (!File.Exists(path))
                {
                    throw Error($"{at}.rules", $"tax rule file '{path}' does not exist");
                }
                rules = TaxRuleSet.Load(path);
            }
            return new TaxSpec
            {
                Rules = rules,
                Amount = amount,
                Currency = currency,
                Country = Field(t.Country, "country", true, FieldType.String),
                Region = Field(t.Region, "region", false, FieldType.String),
                Category = Field(t.Category, "category", false, FieldType.String),
                Date = Field(t.Date, "date", true, FieldType.DateTime, FieldType.Date),
                PriceIncludesTax = Field(t.PriceIncludesTax, "priceIncludesTax", false, FieldType.Boolean),
            };
        }

        private (int[] Fields, string[] Columns) BuildPrimaryKey(FieldSpec[] fields, List<OutputColumn> outputs)
        {
            if (doc.PrimaryKey is not { } pk || pk.ValueKind == JsonValueKind.Null)
            {
                return ([], []);
            }
            string[] names = pk.ValueKind switch
            {
                JsonValueKind.String => [pk.GetString()!],
                JsonValueKind.Array => pk.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String
                    ? e.GetString()!
                    : throw Error($"primaryKey[{i}]", "must be a field name")).ToArray(),
                _ => throw Error("primaryKey", "must be a field name or an array of field names"),
            };
            var indexes = new int[names.Length];
            var columns = new string[names.Length];
            for (int i = 0; i < names.Length; i++)
            {
                var field = fields.FirstOrDefault(f => f.Name == names[i])
                    ?? throw Error($"primaryKey[{i}]", $"'{names[i]}' is not a field of this contract");
                if (field.OutputIndex < 0 || !field.Required)
                {
                    throw Error($"primaryKey[{i}]", $"field '{names[i]}' must be required and produce an output column");
                }
                indexes[i] = field.Index;
                columns[i] = outputs[field.OutputIndex].Name;
            }
            return (indexes, columns);
        }
    }

    /// <summary>How header labels compare: trimmed, case-insensitive.</summary>
    public static string HeaderKey(string label) => label.Trim().ToLowerInvariant();

    private static ColumnType ToColumnType(FieldType type) => type switch
    {
        FieldType.String => ColumnType.Text,
        FieldType.Number => ColumnType.Numeric,
        FieldType.Integer => ColumnType.BigInt,
        FieldType.Boolean => ColumnType.Boolean,
        FieldType.DateTime => ColumnType.Timestamp,
        FieldType.Date => ColumnType.Date,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
