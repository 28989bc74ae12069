using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// JSON cells for the <c>object</c>, <c>array</c> and <c>geojson</c> types, which the loader stores as <c>jsonb</c>.
/// frictionless-py reads them with Python's <c>json.loads</c>; this reader is stricter where PostgreSQL would
/// otherwise fail the whole COPY: no <c>NaN</c>/<c>Infinity</c> (not JSON), no <c>\u0000</c> or lone surrogate
/// escapes, and no number beyond <c>numeric</c>'s range. Nesting is limited to 64 levels.
/// </summary>
internal static class JsonText
{
    public const string NotJson = "not valid JSON";

    // PostgreSQL's numeric keeps at most 131072 digits before the point and 16383 after it.
    private const int MaxExponent = 131_000;
    private const int MinExponent = -16_000;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>
    /// Parses <paramref name="text"/>; null when it is not JSON that jsonb takes, with the reason in <paramref name="problem"/>.
    /// The caller disposes the document.
    /// </summary>
    public static JsonDocument? Parse(string text, out string problem)
    {
        problem = NotJson;
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        if (!StoresInJsonb(utf8, out problem))
        {
            return null;
        }
        try
        {
            return JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException)
        {
            problem = NotJson;
            return null;
        }
    }

    /// <summary>Every token checked for what jsonb refuses; false with the reason otherwise.</summary>
    private static bool StoresInJsonb(byte[] utf8, out string problem)
    {
        problem = NotJson;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped
                    && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    problem = "a \\u0000 escape, which PostgreSQL's jsonb cannot store";
                    return false;
                }
                if (reader.TokenType == JsonTokenType.Number && !InNumericRange(reader.ValueSpan))
                {
                    problem = $"the number {Encoding.UTF8.GetString(reader.ValueSpan)} is beyond PostgreSQL's numeric range";
                    return false;
                }
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // GetString on an escape that is not valid UTF-16 (a lone surrogate such as \ud800).
            problem = "an escaped lone surrogate, which PostgreSQL's jsonb cannot store";
            return false;
        }
    }

    private static bool InNumericRange(ReadOnlySpan<byte> number)
    {
        int e = number.IndexOfAny((byte)'e', (byte)'E');
        if (e < 0)
        {
            return true;
        }
        var exponent = number[(e + 1)..];
        bool negative = exponent.Length > 0 && exponent[0] == '-';
        exponent = exponent.TrimStart("+-"u8).TrimStart("0"u8);
        if (exponent.Length > 6)
        {
            return false;
        }
        int value = 0;
        foreach (byte digit in exponent)
        {
            value = (value * 10) + (digit - '0');
        }
        return negative ? -value >= MinExponent : value <= MaxExponent;
    }

    /// <summary>
    /// The value as compact JSON with object members sorted by name (the last of repeated names wins, as in jsonb and
    /// Python), so that two cells holding the same JSON value compare equal for the <c>unique</c> constraint.
    /// Numbers stay as written: <c>1</c> and <c>1.0</c> differ here.
    /// </summary>
    public static string Canonical(string text)
    {
        using var document = JsonDocument.Parse(text, Options);
        var buffer = new ArrayBufferWriter<byte>(text.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, document.RootElement);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    members[member.Name] = member.Value;
                }
                writer.WriteStartObject();
                foreach (var (name, value) in members)
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
