using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>One record of an S3 event notification.</summary>
internal sealed class S3EventRecord
{
    /// <summary>aws:s3.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    /// <summary>E.g. ObjectCreated:Put, ObjectCreated:CompleteMultipartUpload, ObjectRemoved:Delete.</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; set; }

    /// <summary>ISO-8601 time of the event, passed on verbatim.</summary>
    [JsonPropertyName("eventTime")]
    public string? EventTime { get; set; }

    /// <summary>Region of the bucket.</summary>
    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; set; }

    /// <summary>Bucket and object.</summary>
    [JsonPropertyName("s3")]
    public S3EventEntity? S3 { get; set; }
}
