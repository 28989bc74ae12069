namespace TransactionEtl.Aws.Runtime;

/// <summary>
/// Names of the environment variables read by the runtime client, the StartExecution client and the
/// StartWorkflow function. They are kept here until they merge into the project's single configuration
/// constants file (Configuration/EnvironmentVariables.cs) and docs/configuration.md.
/// </summary>
public static class RuntimeEnvironment
{
    /// <summary>host:port of the Lambda Runtime API, set by Lambda (and by the tests' loopback server).</summary>
    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>Which function this bootstrap serves: start-workflow, run-etl or notify-chat.</summary>
    public const string Handler = "_HANDLER";

    /// <summary>X-Ray trace header of the current invocation; rewritten by the runtime loop per invocation.</summary>
    public const string TraceId = "_X_AMZN_TRACE_ID";

    /// <summary>The region Lambda runs in; also the signing region of AWS calls.</summary>
    public const string Region = "AWS_REGION";

    /// <summary>Fallback region name used by the AWS CLI and SDKs when AWS_REGION is absent.</summary>
    public const string DefaultRegion = "AWS_DEFAULT_REGION";

    /// <summary>SDK convention: one endpoint for all services (LocalStack, loopback test servers).</summary>
    public const string EndpointUrl = "AWS_ENDPOINT_URL";

    /// <summary>SDK convention: the Step Functions endpoint (service id SFN); wins over AWS_ENDPOINT_URL.</summary>
    public const string EndpointUrlStepFunctions = "AWS_ENDPOINT_URL_SFN";

    /// <summary>ARN of the state machine that StartWorkflow starts (start-workflow; required).</summary>
    public const string StateMachineArn = "TXETL_STATE_MACHINE_ARN";
}
