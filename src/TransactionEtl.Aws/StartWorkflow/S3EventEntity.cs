using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>The <c>s3</c> part of a record.</summary>
internal sealed class S3EventEntity
{
    /// <summary>The bucket.</summary>
    [JsonPropertyName("bucket")]
    public S3EventBucket? Bucket { get; set; }

    /// <summary>The object.</summary>
    [JsonPropertyName("object")]
    public S3EventObject? S3Object { get; set; }
}
