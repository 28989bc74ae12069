using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StepFunctions.Internal;

/// <summary>StartExecution's success body (startDate is not needed).</summary>
internal sealed class StartExecutionResponse
{
    [JsonPropertyName("executionArn")]
    public string? ExecutionArn { get; set; }
}
