using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.RunEtl;

/// <summary>
/// The run-etl event: the state machine's Payload (bucket, key, versionId, eTag, size, executionName; see
/// statemachine/etl.asl.json). Only pointers, never rows.
/// </summary>
internal sealed class RunEtlRequest
{
    /// <summary>The <see cref="Mode"/> run-etl once migrated with; now refused with a pointer to the migrate function.</summary>
    public const string MigrateMode = "migrate";

    /// <summary>
    /// Null or <c>load</c> to load the object; <c>plan</c>, <c>chunk</c>, <c>hash</c> or <c>commit</c> on the chunked path;
    /// <c>backfill-summary</c> to count a backfill's files by status from the Map Run results whose manifest.json is
    /// bucket/key (statemachine/batch.asl.json's CountFileStatuses).
    /// </summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>Bucket of the object to load.</summary>
    [JsonPropertyName("bucket")]
    public string? Bucket { get; init; }

    /// <summary>Decoded object key.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; init; }

    /// <summary>Version to read; null on unversioned buckets.</summary>
    [JsonPropertyName("versionId")]
    public string? VersionId { get; init; }

    /// <summary>ETag from the event; pins the content when there is no version id.</summary>
    [JsonPropertyName("eTag")]
    public string? ETag { get; init; }

    /// <summary>Size from the event, in bytes.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; init; }

    /// <summary>The Step Functions execution name, for log lines.</summary>
    [JsonPropertyName("executionName")]
    public string? ExecutionName { get; init; }

    /// <summary>Chunked path, mode plan: the chunk size to aim for (Terraform's chunk_bytes).</summary>
    [JsonPropertyName("chunkBytes")]
    public long? ChunkBytes { get; init; }

    /// <summary>Chunked path, modes chunk, hash and commit: the ticket plan returned (ChunkedLoader's, as JSON).</summary>
    [JsonPropertyName("ticket")]
    public JsonElement? Ticket { get; init; }

    /// <summary>Chunked path, mode chunk: which chunk of the ticket's plan (null for the hash item).</summary>
    [JsonPropertyName("chunkIndex")]
    public int? ChunkIndex { get; init; }
}
