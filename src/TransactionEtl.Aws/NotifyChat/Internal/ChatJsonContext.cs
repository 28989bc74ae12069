using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.NotifyChat.Internal;

internal sealed class SnsEvent
{
    [JsonPropertyName("Records")] public List<SnsRecord>? Records { get; set; }
}

internal sealed class SnsRecord
{
    [JsonPropertyName("Sns")] public SnsMessage? Sns { get; set; }
}

internal sealed class SnsMessage
{
    [JsonPropertyName("MessageId")] public string? MessageId { get; set; }

    [JsonPropertyName("Message")] public string? Message { get; set; }

    [JsonPropertyName("MessageAttributes")] public Dictionary<string, SnsMessageAttribute>? MessageAttributes { get; set; }
}

internal sealed class SnsMessageAttribute
{
    [JsonPropertyName("Type")] public string? Type { get; set; }

    [JsonPropertyName("Value")] public string? Value { get; set; }
}

[JsonSerializable(typeof(SnsEvent))]
[JsonSerializable(typeof(ChatAlert))]
[JsonSerializable(typeof(ExecutionStatusEvent))]
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
