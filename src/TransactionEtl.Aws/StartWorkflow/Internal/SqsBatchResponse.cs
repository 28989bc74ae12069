using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow.Internal;

/// <summary>
/// The partial batch response of an event source mapping with <c>ReportBatchItemFailures</c>: exactly
/// <c>{"batchItemFailures":[{"itemIdentifier":"&lt;messageId&gt;"}]}</c>. Lambda deletes every other message of the
/// batch; an empty list means all succeeded.
/// </summary>
internal sealed class SqsBatchResponse
{
    /// <summary>The messages SQS should deliver again.</summary>
    [JsonPropertyName("batchItemFailures")]
    public required IReadOnlyList<SqsBatchItemFailure> BatchItemFailures { get; init; }
}

/// <summary>One failed message.</summary>
internal sealed class SqsBatchItemFailure
{
    /// <summary>The message's <c>messageId</c>.</summary>
    [JsonPropertyName("itemIdentifier")]
    public required string ItemIdentifier { get; init; }
}
