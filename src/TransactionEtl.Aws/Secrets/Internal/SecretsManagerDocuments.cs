using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.Secrets.Internal;

/// <summary>GetSecretValue's request: <c>{"SecretId":"&lt;name or ARN&gt;"}</c> (AWSCURRENT is the default stage).</summary>
internal sealed class GetSecretValueRequest
{
    [JsonPropertyName("SecretId")] public string? SecretId { get; set; }
}

/// <summary>GetSecretValue's answer; only what the reader uses (CreatedDate, VersionStages are not needed).</summary>
internal sealed class GetSecretValueResponse
{
    [JsonPropertyName("ARN")] public string? Arn { get; set; }

    [JsonPropertyName("Name")] public string? Name { get; set; }

    [JsonPropertyName("VersionId")] public string? VersionId { get; set; }

    [JsonPropertyName("SecretString")] public string? SecretString { get; set; }
}

/// <summary>Error body of AWS JSON 1.1: <c>{"__type":"ResourceNotFoundException","Message":"..."}</c>.</summary>
internal sealed class SecretsManagerError
{
    [JsonPropertyName("__type")] public string? Type { get; set; }

    // Secrets Manager writes "Message"; other JSON services write "message".
    [JsonPropertyName("Message")] public string? Message { get; set; }

    [JsonPropertyName("message")] public string? MessageLower { get; set; }
}
