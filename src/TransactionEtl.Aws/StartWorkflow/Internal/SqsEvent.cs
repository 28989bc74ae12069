using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow.Internal;

/// <summary>
/// The event a Lambda SQS event source mapping delivers: a batch of messages. Only the fields StartWorkflow
/// uses are read; receipt handles stay with Lambda, which deletes the messages not reported as failed.
/// </summary>
internal sealed class SqsEvent
{
    /// <summary>The messages of the batch.</summary>
    [JsonPropertyName("Records")]
    public IReadOnlyList<SqsMessage>? Records { get; set; }

    /// <summary>True when this is an SQS batch rather than an S3 notification (both have <c>Records</c>).</summary>
    [JsonIgnore]
    public bool IsQueueBatch => Records is { Count: > 0 } records && records[0].EventSource == SqsMessage.Source;
}

/// <summary>One SQS message of the batch.</summary>
internal sealed class SqsMessage
{
    /// <summary>The <c>eventSource</c> of SQS records.</summary>
    public const string Source = "aws:sqs";

    /// <summary>The id Lambda expects back in <c>batchItemFailures</c>.</summary>
    [JsonPropertyName("messageId")]
    public string? MessageId { get; set; }

    /// <summary>The message body: here an S3 event notification as S3 sends it to a queue.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; set; }

    /// <summary><c>aws:sqs</c>.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }
}
