using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>One execution StartWorkflow started, or found already started.</summary>
internal sealed class StartedExecution
{
    /// <summary>Bucket.</summary>
    [JsonPropertyName("bucket")]
    public required string Bucket { get; init; }

    /// <summary>Decoded key.</summary>
    [JsonPropertyName("key")]
    public required string Key { get; init; }

    /// <summary>The deterministic execution name.</summary>
    [JsonPropertyName("executionName")]
    public required string ExecutionName { get; init; }

    /// <summary>The execution ARN.</summary>
    [JsonPropertyName("executionArn")]
    public required string ExecutionArn { get; init; }

    /// <summary>True for a duplicate delivery (the execution existed).</summary>
    [JsonPropertyName("alreadyExisted")]
    public bool AlreadyExisted { get; init; }
}
