namespace TransactionEtl.Aws.StepFunctions;

/// <summary>What StartExecution answered.</summary>
internal sealed class StartExecutionResult
{
    /// <summary>Creates a result.</summary>
    public StartExecutionResult(string executionArn, bool alreadyExisted)
    {
        ExecutionArn = executionArn;
        AlreadyExisted = alreadyExisted;
    }

    /// <summary>The execution's ARN (derived from the state machine ARN and the name when it already existed).</summary>
    public string ExecutionArn { get; }

    /// <summary>True when an execution of that name existed: a duplicate delivery, nothing new started.</summary>
    public bool AlreadyExisted { get; }
}
