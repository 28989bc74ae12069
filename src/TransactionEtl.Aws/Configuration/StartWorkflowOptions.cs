using TransactionEtl.Aws.Configuration.Internal;

namespace TransactionEtl.Aws.Configuration;

/// <summary>Settings of the start-workflow function, validated once at start.</summary>
public sealed class StartWorkflowOptions
{
    private StartWorkflowOptions(string stateMachineArn) => StateMachineArn = stateMachineArn;

    /// <summary>ARN of the Step Functions state machine that processes one file.</summary>
    public string StateMachineArn { get; }

    /// <summary>Reads and validates the start-workflow settings.</summary>
    /// <param name="lookup">Environment lookup; defaults to the process environment.</param>
    public static StartWorkflowOptions FromEnvironment(Func<string, string?>? lookup = null)
    {
        var reader = new SettingsReader(lookup ?? Environment.GetEnvironmentVariable);
        var arn = reader.Required(EnvironmentVariables.StateMachineArn, "set it to the ARN of the ETL state machine");
        if (arn.Length > 0 && !arn.StartsWith("arn:", StringComparison.Ordinal))
        {
            reader.Problem($"{EnvironmentVariables.StateMachineArn}='{arn}' is not an ARN (expected arn:aws:states:<region>:<account>:stateMachine:<name>)");
        }
        reader.ThrowIfInvalid("start-workflow");
        return new StartWorkflowOptions(arn);
    }
}
