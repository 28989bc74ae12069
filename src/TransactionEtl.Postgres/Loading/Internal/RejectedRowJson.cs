using System.Text.Json;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>The JSON shape of <c>rejected_rows.errors</c>: an array of {column, code, message, value}.</summary>
internal static class RejectedRowJson
{
    public static void WriteErrors(Utf8JsonWriter writer, IReadOnlyList<CellError> errors)
    {
        writer.WriteStartArray();
        foreach (var error in errors)
        {
            writer.WriteStartObject();
            WriteNullable(writer, "column", error.Column);
            writer.WriteString("code", error.Code);
            writer.WriteString("message", error.Message);
            WriteNullable(writer, "value", error.Value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static List<CellError> ReadErrors(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<CellError>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            result.Add(new CellError(
                Text(item, "column"),
                Text(item, "code") ?? "",
                Text(item, "message") ?? "",
                Text(item, "value")));
        }

        return result;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
