using System.Text.Json.Serialization;

namespace TransactionEtl.Core;

/// <summary>Source-generated (AOT/trim-safe) JSON for <see cref="FileSummary"/>, in snake_case as the spec names the fields.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(FileSummary))]
[JsonSerializable(typeof(IReadOnlyList<FileSummary>))]
public sealed partial class FileSummaryJsonContext : JsonSerializerContext;
