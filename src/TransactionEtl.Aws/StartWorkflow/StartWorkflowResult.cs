using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>StartWorkflow's response: what it started and what it left alone.</summary>
internal sealed class StartWorkflowResult
{
    /// <summary>One entry per ObjectCreated record, in event order.</summary>
    [JsonPropertyName("executions")]
    public required IReadOnlyList<StartedExecution> Executions { get; init; }

    /// <summary>Records (or test events) ignored because they are not ObjectCreated events.</summary>
    [JsonPropertyName("ignored")]
    public int Ignored { get; init; }
}
