using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StepFunctions.Internal;

/// <summary>Error body of AWS JSON 1.0 services: <c>{"__type": "...#Code", "message": "..."}</c>.</summary>
internal sealed class AwsJsonError
{
    [JsonPropertyName("__type")]
    public string? Type { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    // Some services spell it with a capital M.
    [JsonPropertyName("Message")]
    public string? MessageUpper { get; set; }
}
