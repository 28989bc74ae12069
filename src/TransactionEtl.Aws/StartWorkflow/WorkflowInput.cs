using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>
/// The execution input that StartWorkflow gives the state machine, and so the input of RunEtl: which
/// object version to load and how S3 described it.
/// </summary>
internal sealed class WorkflowInput
{
    /// <summary>Bucket name.</summary>
    [JsonPropertyName("bucket")]
    public required string Bucket { get; init; }

    /// <summary>Object key, decoded (as stored in the bucket).</summary>
    [JsonPropertyName("key")]
    public required string Key { get; init; }

    /// <summary>Version to read (pinned so a later overwrite is not loaded by this execution); null on unversioned buckets.</summary>
    [JsonPropertyName("versionId")]
    public string? VersionId { get; init; }

    /// <summary>ETag of the object the event describes.</summary>
    [JsonPropertyName("eTag")]
    public string? ETag { get; init; }

    /// <summary>Size in bytes.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; init; }

    /// <summary>S3's sequencer of the event.</summary>
    [JsonPropertyName("sequencer")]
    public string? Sequencer { get; init; }

    /// <summary>Time of the event, as S3 wrote it.</summary>
    [JsonPropertyName("eventTime")]
    public string? EventTime { get; init; }
}
