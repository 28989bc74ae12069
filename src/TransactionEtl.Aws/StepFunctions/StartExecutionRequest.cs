using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StepFunctions;

/// <summary>The StartExecution request document (AWS JSON 1.0).</summary>
internal sealed class StartExecutionRequest
{
    /// <summary>Creates a request.</summary>
    public StartExecutionRequest(string stateMachineArn, string name, string input)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateMachineArn);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(input);
        StateMachineArn = stateMachineArn;
        Name = name;
        Input = input;
    }

    /// <summary>The state machine to start.</summary>
    [JsonPropertyName("stateMachineArn")]
    public string StateMachineArn { get; }

    /// <summary>Execution name: unique per state machine for 90 days, which makes starts idempotent.</summary>
    [JsonPropertyName("name")]
    public string Name { get; }

    /// <summary>The execution input, a JSON document as a string.</summary>
    [JsonPropertyName("input")]
    public string Input { get; }
}
