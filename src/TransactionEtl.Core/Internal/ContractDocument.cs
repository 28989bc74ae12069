using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransactionEtl.Core.Internal;

// The contract file as JSON: a Frictionless Table Schema (v2) with a Table Dialect under "dialect" and the
// product's extensions under "x-txetl". Unknown standard properties land in Extra so the loader can refuse the
// ones it knows it does not support instead of silently ignoring them.

internal sealed class ContractDocument
{
    [JsonPropertyName("$schema")] public string? Schema { get; set; }
    public string? Name { get; set; }
    public string? Version { get; set; }
    public string? Title { get; set; }
    public string? Description { get; set; }
    public List<FieldDocument?>? Fields { get; set; }
    public List<string>? MissingValues { get; set; }
    public JsonElement? PrimaryKey { get; set; }
    public DialectDocument? Dialect { get; set; }
    [JsonPropertyName("x-txetl")] public ContractExtensionDocument? Txetl { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class FieldDocument
{
    public string? Name { get; set; }
    public string? Type { get; set; }
    public string? Format { get; set; }
    public string? Title { get; set; }
    public string? Description { get; set; }
    public JsonElement? Example { get; set; }
    public ConstraintsDocument? Constraints { get; set; }
    public List<string>? TrueValues { get; set; }
    public List<string>? FalseValues { get; set; }
    public List<string>? MissingValues { get; set; }
    public string? DecimalChar { get; set; }
    public string? GroupChar { get; set; }
    public bool? BareNumber { get; set; }
    public string? Delimiter { get; set; }
    public string? ItemType { get; set; }
    [JsonPropertyName("x-txetl")] public FieldExtensionDocument? Txetl { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class ConstraintsDocument
{
    public bool? Required { get; set; }
    public bool? Unique { get; set; }
    public string? Pattern { get; set; }
    public List<JsonElement>? Enum { get; set; }
    public int? MinLength { get; set; }
    public int? MaxLength { get; set; }
    public JsonElement? Minimum { get; set; }
    public JsonElement? Maximum { get; set; }
    public JsonElement? ExclusiveMinimum { get; set; }
    public JsonElement? ExclusiveMaximum { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class FieldExtensionDocument
{
    public List<string>? Aliases { get; set; }
    public List<string>? Normalize { get; set; }
    public string? Column { get; set; }
    public bool? Output { get; set; }
    public string? Reference { get; set; }
    public string? ScaleFrom { get; set; }
    public string? PrefixFrom { get; set; }
    public string? Hint { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class DialectDocument
{
    [JsonPropertyName("$schema")] public string? Schema { get; set; }
    public string? Delimiter { get; set; }
    public string? QuoteChar { get; set; }
    public bool? DoubleQuote { get; set; }
    public bool? Header { get; set; }
    public string? Encoding { get; set; }
    public JsonElement? Sheet { get; set; }
    public JsonElement? HeaderRow { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class ContractExtensionDocument
{
    public string? Table { get; set; }
    public decimal? MaxRejectedRatio { get; set; }
    public TaxDocument? Tax { get; set; }
    public bool? CreateTable { get; set; }
    public string? OnExistingKey { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class TaxDocument
{
    public string? Rules { get; set; }
    public string? Amount { get; set; }
    public string? Currency { get; set; }
    public string? Country { get; set; }
    public string? Region { get; set; }
    public string? Category { get; set; }
    public string? Date { get; set; }
    public string? PriceIncludesTax { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ContractDocument))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;
