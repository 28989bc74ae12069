using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransactionEtl.Core;

/// <summary>Source-generated (AOT/trim-safe) JSON for <see cref="FileSummary"/>, in snake_case as the spec names the fields.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(FileSummary))]
[JsonSerializable(typeof(IReadOnlyList<FileSummary>))]
public sealed partial class FileSummaryJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Like <see cref="Default"/> but without escaping quotes and non-ASCII letters (<c>'</c> stays <c>'</c>, not
    /// <c>\u0027</c>): for terminals, logs and chat messages, not for embedding in HTML.
    /// </summary>
    public static FileSummaryJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
