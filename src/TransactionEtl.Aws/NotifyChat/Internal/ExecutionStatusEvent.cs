using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.NotifyChat.Internal;

/// <summary>
/// The EventBridge event Step Functions sends when an execution changes status (detail-type
/// <c>Step Functions Execution Status Change</c>), which the failure rule publishes whole to the alerts topic.
/// </summary>
internal sealed class ExecutionStatusEvent
{
    /// <summary>The detail-type that marks the event.</summary>
    public const string DetailTypeValue = "Step Functions Execution Status Change";

    [JsonPropertyName("detail-type")] public string? DetailType { get; set; }

    [JsonPropertyName("source")] public string? Source { get; set; }

    [JsonPropertyName("region")] public string? Region { get; set; }

    [JsonPropertyName("detail")] public ExecutionStatusDetail? Detail { get; set; }
}

/// <summary>The <c>detail</c>: DescribeExecution's fields at the time of the change.</summary>
internal sealed class ExecutionStatusDetail
{
    [JsonPropertyName("executionArn")] public string? ExecutionArn { get; set; }

    [JsonPropertyName("stateMachineArn")] public string? StateMachineArn { get; set; }

    [JsonPropertyName("name")] public string? Name { get; set; }

    /// <summary>RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE.</summary>
    [JsonPropertyName("status")] public string? Status { get; set; }

    /// <summary>
    /// The execution input, a JSON string; null when it was too large for the event (then
    /// <c>inputDetails.included</c> is false). An element, so an unexpected shape is a note in the alert, not a lost alert.
    /// </summary>
    [JsonPropertyName("input")] public JsonElement? Input { get; set; }

    [JsonPropertyName("inputDetails")] public ExecutionDataDetails? InputDetails { get; set; }

    [JsonPropertyName("error")] public string? Error { get; set; }

    [JsonPropertyName("cause")] public string? Cause { get; set; }
}

/// <summary><c>inputDetails</c>: whether the event carries the input.</summary>
internal sealed class ExecutionDataDetails
{
    [JsonPropertyName("included")] public bool? Included { get; set; }
}
