using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>JSON for the ledger's jsonb columns, written by hand (no reflection: Native-AOT safe).</summary>
internal static class LedgerJson
{
    public static string Reasons(IReadOnlyDictionary<string, long> reasons)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (code, count) in reasons.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                writer.WriteNumber(code, count);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Strings(IReadOnlyList<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static SortedDictionary<string, long> ReadReasons(string? json)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
        {
            return result;
        }

        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.GetInt64();
        }

        return result;
    }

    public static List<string> ReadStrings(string? json)
    {
        var result = new List<string>();
        if (string.IsNullOrEmpty(json))
        {
            return result;
        }

        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            result.Add(item.GetString() ?? "");
        }

        return result;
    }
}
