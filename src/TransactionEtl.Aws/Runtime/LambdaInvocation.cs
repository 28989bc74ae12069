namespace TransactionEtl.Aws.Runtime;

/// <summary>One event handed out by <c>GET /2018-06-01/runtime/invocation/next</c>.</summary>
internal sealed class LambdaInvocation
{
    /// <summary>Creates an invocation.</summary>
    public LambdaInvocation(LambdaContext context, byte[] body)
    {
        Context = context;
        Body = body;
    }

    /// <summary>Request id, deadline, function ARN and trace id of this event.</summary>
    public LambdaContext Context { get; }

    /// <summary>The event document as delivered (events are at most 6 MB, so bytes are fine here).</summary>
    public ReadOnlyMemory<byte> Body { get; }
}
