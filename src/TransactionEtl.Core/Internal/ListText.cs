using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The <c>list</c> type (Table Schema v2): items split on <c>delimiter</c>, each read in the default form of
/// <c>itemType</c>, the way frictionless-py's <c>fields/list.py</c> does (an empty item is an empty string, or an
/// error for other item types; integer and number items may have spaces around them, as Python's int() and Decimal()
/// allow). The value is a JSON array for a <c>jsonb</c> column: one column type whatever the item type, and the items
/// keep their JSON types (numbers exact as written, booleans); dates and date-times become ISO 8601 strings (UTC).
/// </summary>
internal static class ListText
{
    public static readonly FieldType[] ItemTypes = [FieldType.String, FieldType.Integer, FieldType.Boolean, FieldType.Number, FieldType.DateTime, FieldType.Date];

    private static readonly string[] TrueValues = ["true", "True", "TRUE", "1"];
    private static readonly string[] FalseValues = ["false", "False", "FALSE", "0"];

    /// <summary>The items as a JSON array and their count; false at the first item that is not of the item type.</summary>
    public static bool TryParse(string s, string delimiter, FieldType itemType, out string json, out int count, out string badItem)
    {
        json = "";
        badItem = "";
        string[] items = s.Split(delimiter);
        count = items.Length;
        var buffer = new ArrayBufferWriter<byte>(s.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                if (!TryWriteItem(writer, item, itemType))
                {
                    badItem = item;
                    return false;
                }
            }
            writer.WriteEndArray();
        }
        json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return true;
    }

    private static bool TryWriteItem(Utf8JsonWriter writer, string item, FieldType itemType)
    {
        switch (itemType)
        {
            case FieldType.Integer when DecimalText.TryParseInteger(item.Trim(), out long integer):
                writer.WriteNumberValue(integer);
                return true;
            case FieldType.Number when DecimalText.TryParse(item.Trim(), out decimal number, out _):
                writer.WriteNumberValue(number);
                return true;
            case FieldType.Boolean when TrueValues.Contains(item, StringComparer.Ordinal) || FalseValues.Contains(item, StringComparer.Ordinal):
                writer.WriteBooleanValue(TrueValues.Contains(item, StringComparer.Ordinal));
                return true;
            case FieldType.DateTime when IsoTimestamp.TryParse(item, out var utc, out _):
                writer.WriteStringValue(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture));
                return true;
            case FieldType.Date when IsoTimestamp.TryParseDate(item, out var date):
                writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                return true;
            case FieldType.String:
                if (item.Contains('\0', StringComparison.Ordinal))
                {
                    return false; // jsonb cannot store U+0000
                }
                writer.WriteStringValue(item);
                return true;
            default:
                return false;
        }
    }
}
