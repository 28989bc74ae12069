using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>The bucket of a record.</summary>
internal sealed class S3EventBucket
{
    /// <summary>Bucket name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Bucket ARN.</summary>
    [JsonPropertyName("arn")]
    public string? Arn { get; set; }
}
