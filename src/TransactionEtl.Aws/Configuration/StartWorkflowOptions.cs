using TransactionEtl.Aws.Configuration.Internal;
using TransactionEtl.Aws.StepFunctions;

namespace TransactionEtl.Aws.Configuration;

/// <summary>Settings of the start-workflow function, validated once at start.</summary>
internal sealed class StartWorkflowOptions
{
    private StartWorkflowOptions(string stateMachineArn, StepFunctionsClientOptions stepFunctions)
    {
        StateMachineArn = stateMachineArn;
        StepFunctions = stepFunctions;
    }

    /// <summary>ARN of the Step Functions state machine that processes one file.</summary>
    public string StateMachineArn { get; }

    /// <summary>Where StartExecution is sent and signed for: the region and the Step Functions endpoint.</summary>
    public StepFunctionsClientOptions StepFunctions { get; }

    /// <summary>
    /// Reads and validates the start-workflow settings: the ARN, and region and endpoint the way the AWS SDKs
    /// do (<c>AWS_REGION</c>, else <c>AWS_DEFAULT_REGION</c>; <c>AWS_ENDPOINT_URL_SFN</c>, else
    /// <c>AWS_ENDPOINT_URL</c>, else <c>https://states.{region}.amazonaws.com/</c>).
    /// </summary>
    /// <param name="lookup">Environment lookup; defaults to the process environment.</param>
    public static StartWorkflowOptions FromEnvironment(Func<string, string?>? lookup = null)
    {
        var reader = new SettingsReader(lookup ?? Environment.GetEnvironmentVariable);
        var arn = reader.Required(EnvironmentVariables.StateMachineArn, "set it to the ARN of the ETL state machine");
        if (arn.Length > 0 && !arn.StartsWith("arn:", StringComparison.Ordinal))
        {
            reader.Problem($"{EnvironmentVariables.StateMachineArn}='{arn}' is not an ARN (expected arn:aws:states:<region>:<account>:stateMachine:<name>)");
        }
        var endpoints = AwsServiceEndpoints.Read(reader);
        if (endpoints.Region is null)
        {
            reader.Problem($"{EnvironmentVariables.Region} is not set: Step Functions needs a region (Lambda sets it; locally export AWS_REGION=eu-west-1 or similar)");
        }
        reader.ThrowIfInvalid("start-workflow");
        var region = endpoints.Region!;
        var endpoint = endpoints.StepFunctions ?? new Uri($"https://states.{region}.amazonaws.com/");
        return new StartWorkflowOptions(arn, new StepFunctionsClientOptions(region, endpoint));
    }
}
