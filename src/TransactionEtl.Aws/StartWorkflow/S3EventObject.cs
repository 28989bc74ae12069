using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>The object of a record. <see cref="Key"/> is URL-encoded the way S3 encodes it (see <see cref="S3KeyDecoder"/>).</summary>
internal sealed class S3EventObject
{
    /// <summary>The key, form-URL-encoded: <c>+</c> is a space, <c>%2B</c> a plus.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; set; }

    /// <summary>Object size in bytes (absent on some event types).</summary>
    [JsonPropertyName("size")]
    public long? Size { get; set; }

    /// <summary>The object's ETag.</summary>
    [JsonPropertyName("eTag")]
    public string? ETag { get; set; }

    /// <summary>Version id when the bucket is versioned.</summary>
    [JsonPropertyName("versionId")]
    public string? VersionId { get; set; }

    /// <summary>Orders events of the same key.</summary>
    [JsonPropertyName("sequencer")]
    public string? Sequencer { get; set; }
}
