namespace TransactionEtl.Aws.StepFunctions;

/// <summary>A backfill execution that was started (or already existed under that name).</summary>
public sealed class BackfillStarted
{
    internal BackfillStarted(string executionArn, string executionName, bool alreadyExisted)
    {
        ExecutionArn = executionArn;
        ExecutionName = executionName;
        AlreadyExisted = alreadyExisted;
    }

    /// <summary>The execution's ARN.</summary>
    public string ExecutionArn { get; }

    /// <summary>The execution's name.</summary>
    public string ExecutionName { get; }

    /// <summary>True when an execution of that name existed already: nothing new was started.</summary>
    public bool AlreadyExisted { get; }
}
