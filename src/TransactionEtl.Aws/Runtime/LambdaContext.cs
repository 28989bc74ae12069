namespace TransactionEtl.Aws.Runtime;

/// <summary>What the Lambda Runtime API tells about one invocation.</summary>
public sealed class LambdaContext
{
    /// <summary>Creates a context; the runtime client fills it from the <c>next</c> response headers.</summary>
    public LambdaContext(string requestId, DateTimeOffset deadline, string? invokedFunctionArn, string? traceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        RequestId = requestId;
        Deadline = deadline;
        InvokedFunctionArn = invokedFunctionArn;
        TraceId = traceId;
    }

    /// <summary>Lambda-Runtime-Aws-Request-Id.</summary>
    public string RequestId { get; }

    /// <summary>Lambda-Runtime-Deadline-Ms as an instant: the function is killed at this moment.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>Lambda-Runtime-Invoked-Function-Arn (absent for local invokes).</summary>
    public string? InvokedFunctionArn { get; }

    /// <summary>Lambda-Runtime-Trace-Id, the X-Ray trace header of this invocation.</summary>
    public string? TraceId { get; }

    /// <summary>Time left before <see cref="Deadline"/> as seen by <paramref name="timeProvider"/>.</summary>
    public TimeSpan GetRemainingTime(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var left = Deadline - timeProvider.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>A context for running a handler outside Lambda (<c>txetl lambda invoke</c>).</summary>
    public static LambdaContext ForLocalInvoke(TimeProvider timeProvider, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new LambdaContext("local-" + Guid.NewGuid().ToString("N"), timeProvider.GetUtcNow() + timeout, null, null);
    }
}
