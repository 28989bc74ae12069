using System.Text.Json.Serialization;
using TransactionEtl.Aws.NotifyChat.Internal;

namespace TransactionEtl.Aws.NotifyChat;

/// <summary>
/// The alert the state machine publishes to SNS (statemachine/etl.asl.json builds it): what happened to
/// which file, the RunEtl summary when there is one, and the error for failures. Every field is optional
/// on the wire so a partial alert still reaches the chat.
/// </summary>
internal sealed class ChatAlert
{
    /// <summary>error, warning or info (also sent as the SNS <c>severity</c> message attribute).</summary>
    [JsonPropertyName("severity")] public string? Severity { get; set; }

    /// <summary>rejected, loaded_with_rejects, failed, loaded or already_loaded.</summary>
    [JsonPropertyName("status")] public string? Status { get; set; }

    /// <summary>Bucket of the file.</summary>
    [JsonPropertyName("bucket")] public string? Bucket { get; set; }

    /// <summary>Key of the file.</summary>
    [JsonPropertyName("key")] public string? Key { get; set; }

    /// <summary>The RunEtl summary (absent when the task failed).</summary>
    [JsonPropertyName("summary")] public ChatAlertSummary? Summary { get; set; }

    /// <summary>Step Functions error name (failures only), e.g. TransactionEtl.TransientError.</summary>
    [JsonPropertyName("error")] public string? Error { get; set; }

    /// <summary>Step Functions cause (failures only); often Lambda's error JSON.</summary>
    [JsonPropertyName("cause")] public string? Cause { get; set; }

    /// <summary>ARN of the execution.</summary>
    [JsonPropertyName("execution_arn")] public string? ExecutionArn { get; set; }

    /// <summary>Name of the execution.</summary>
    [JsonPropertyName("execution_name")] public string? ExecutionName { get; set; }

    /// <summary>Link to the execution in the Step Functions console.</summary>
    [JsonPropertyName("console_url")] public string? ConsoleUrl { get; set; }

    /// <summary><c>backfill_summary</c> for the backfill's one summary message (statemachine/batch.asl.json); absent for a file's alert.</summary>
    [JsonPropertyName("kind")] public string? Kind { get; set; }

    /// <summary>Backfill summary: the Map Run's item counts.</summary>
    [JsonPropertyName("counts")] public MapRunItemCounts? Counts { get; set; }

    /// <summary>Backfill summary: the files counted by file status (or why they could not be).</summary>
    [JsonPropertyName("files")] public BackfillFileCounts? Files { get; set; }

    /// <summary>Backfill summary: <c>s3://</c> URI of the Map Run's results manifest.json.</summary>
    [JsonPropertyName("results_uri")] public string? ResultsUri { get; set; }

    /// <summary>The command that re-runs the file (a redrive); set for execution status events only (never read from the wire).</summary>
    [JsonIgnore] public string? Rerun { get; set; }

    /// <summary>Why the file is unknown, when the event could not name it (never read from the wire).</summary>
    [JsonIgnore] public string? InputNote { get; set; }
}
