using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.Secrets.Internal;

internal sealed class RdsSecretDocument
{
    [JsonPropertyName("host")] public string? Host { get; set; }

    // Rotation functions write a number; hand-made secrets often hold "5432".
    [JsonPropertyName("port")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? Port { get; set; }

    [JsonPropertyName("username")] public string? Username { get; set; }

    [JsonPropertyName("password")] public string? Password { get; set; }

    [JsonPropertyName("dbname")] public string? DbName { get; set; }
}

internal sealed class ChatWebhookDocument
{
    [JsonPropertyName("slack_webhook_url")] public string? SlackWebhookUrl { get; set; }

    [JsonPropertyName("teams_webhook_url")] public string? TeamsWebhookUrl { get; set; }
}

[JsonSerializable(typeof(RdsSecretDocument))]
[JsonSerializable(typeof(ChatWebhookDocument))]
[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(GetSecretValueResponse))]
[JsonSerializable(typeof(SecretsManagerError))]
internal sealed partial class SecretsJsonContext : JsonSerializerContext;
