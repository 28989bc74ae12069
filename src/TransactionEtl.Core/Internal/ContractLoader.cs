using System.Globalization;
using System.Security.Cryptography;
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
    private static readonly string[] UnsupportedFieldProperties = ["categories", "categoriesOrdered", "arrayItem"];

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierRegex();

    public static Contract Load(Stream json, string source, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        // A contract file is small; its bytes are hashed so that the ledger and txetl.contracts can say exactly which
        // file loaded (the version field is free text and may not change with the content).
        using var bytes = new MemoryStream();
        json.CopyTo(bytes);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)));
        bytes.Position = 0;
        ContractDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(bytes, ContractJsonContext.Default.ContractDocument);
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
        var contract = new Builder(doc, source, baseDirectory).Build();
        contract.Sha256 = sha256;
        return contract;
    }

    private static string TrimRoot(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    public static bool IsIdentifier(string? name) => name is not null && IdentifierRegex().IsMatch(name);

    /// <summary>One contract being compiled; its parts live in ContractLoader.*.cs, one file per concern.</summary>
    private sealed partial class Builder(ContractDocument doc, string source, string? baseDirectory)
    {
        private ContractException Error(string path, string problem) => new(source, path, problem);

        public Contract Build()
        {
            // fieldsMatch: txetl matches header labels its own way (by name, aliases, in any order), which none of v2's
            // five modes describes exactly.
            RefuseUnknown(doc.Extra, "", ["foreignKeys", "uniqueKeys", "fieldsMatch"], extensionScope: false);
            string name = RequireText(doc.Name, "name", "a contract name such as \"transactions\"");
            string version = RequireText(doc.Version, "version", "a version such as \"1.0.0\"");
            var dialect = BuildDialect(doc.Dialect);
            var ext = doc.Txetl ?? new ContractExtensionDocument();
            RefuseUnknown(ext.Extra, "x-txetl", [], extensionScope: true);

            var fields = BuildFields();
            var byName = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
            for (int i = 0; i < fields.Length; i++)
            {
                ResolveReferences(doc.Fields![i]!, fields[i], byName, $"fields[{i}].x-txetl");
            }

            var tax = BuildTax(ext.Tax, byName);
            var outputNames = new HashSet<string>(StringComparer.Ordinal);
            var outputs = BuildFieldOutputs(fields, tax, outputNames);
            if (tax is not null)
            {
                AddTaxOutputs(tax, outputs, outputNames);
            }

            var (pkFields, pkColumns) = BuildPrimaryKey(fields, outputs);
            string table = BuildTable(ext.Table, name);
            decimal ratio = BuildMaxRejectedRatio(ext.MaxRejectedRatio);
            return new Contract(name, version, doc.Title, source, outputs, pkColumns, table, ratio, fields, pkFields, dialect, tax)
            {
                CreateTable = ext.CreateTable ?? true,
                OnExistingKey = BuildOnExistingKey(ext.OnExistingKey),
            };
        }

        private OnExistingKey BuildOnExistingKey(string? written) => written switch
        {
            null or "reject" => OnExistingKey.Reject,
            "update" => OnExistingKey.Update,
            "skip" => OnExistingKey.Skip,
            _ => throw Error("x-txetl.onExistingKey", $"'{written}' is not one of reject, update, skip"),
        };

        private FieldSpec[] BuildFields()
        {
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
            return fields;
        }

        /// <summary>One output column per field that produces one, in field order; sets each field's <see cref="FieldSpec.OutputIndex"/>.</summary>
        private List<OutputColumn> BuildFieldOutputs(FieldSpec[] fields, TaxSpec? tax, HashSet<string> outputNames)
        {
            var outputs = new List<OutputColumn>();
            for (int i = 0; i < fields.Length; i++)
            {
                var fd = doc.Fields![i]!;
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
                outputs.Add(new OutputColumn(column, ToColumnType(fields[i]), !fields[i].Required && !filledByTax) { Unique = fields[i].Unique });
            }
            return outputs;
        }

        /// <summary>The tax step's columns follow the fields' columns.</summary>
        private void AddTaxOutputs(TaxSpec tax, List<OutputColumn> outputs, HashSet<string> outputNames)
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

        private string BuildTable(string? written, string name)
        {
            string table = written ?? name;
            if (!IsIdentifier(table))
            {
                throw Error(written is null ? "name" : "x-txetl.table", $"'{table}' is not a valid table name; expected ^[a-z_][a-z0-9_]{{0,62}}$");
            }
            return table;
        }

        private decimal BuildMaxRejectedRatio(decimal? written)
        {
            decimal ratio = written ?? 0.05m;
            if (ratio < 0 || ratio > 1)
            {
                throw Error("x-txetl.maxRejectedRatio", $"{ratio.ToString(CultureInfo.InvariantCulture)} is out of range; expected a fraction between 0 and 1 such as 0.05");
            }
            return ratio;
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
                RefuseKeyType(field, $"primaryKey[{i}]");
                indexes[i] = field.Index;
                columns[i] = outputs[field.OutputIndex].Name;
            }
            return (indexes, columns);
        }
    }

    /// <summary>How header labels compare: trimmed, case-insensitive.</summary>
    public static string HeaderKey(string label) => label.Trim().ToLowerInvariant();

    private static ColumnType ToColumnType(FieldSpec field) => field.Type switch
    {
        FieldType.String => field.Format switch
        {
            NamedFormat.Uuid => ColumnType.Uuid,
            NamedFormat.Binary => ColumnType.Bytea,
            _ => ColumnType.Text,
        },
        FieldType.Number => ColumnType.Numeric,
        FieldType.Integer => ColumnType.BigInt,
        FieldType.Boolean => ColumnType.Boolean,
        FieldType.DateTime => ColumnType.Timestamp,
        FieldType.Date => ColumnType.Date,
        FieldType.Time => ColumnType.Time,
        FieldType.Year => ColumnType.Int4,
        FieldType.YearMonth => ColumnType.Date,
        FieldType.Duration => ColumnType.Interval,
        FieldType.Any => ColumnType.Text,
        FieldType.Object or FieldType.Array or FieldType.List or FieldType.GeoJson => ColumnType.Jsonb,
        FieldType.GeoPoint => ColumnType.Point,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };
}
