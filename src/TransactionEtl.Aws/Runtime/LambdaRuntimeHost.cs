using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Runtime.Internal;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.Runtime;

/// <summary>
/// The runtime loop: initialize once, then <c>next</c> -> handler -> <c>response</c> or <c>error</c>, for
/// as long as the container lives.
/// </summary>
public static class LambdaRuntimeHost
{
    /// <summary>
    /// How long before the deadline the handler's token is cancelled, so that the error can still be
    /// posted before Lambda kills the process.
    /// </summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled (returns 0) or initialization fails
    /// (reports <c>init/error</c>, returns 1). A failing Runtime API call ends the loop with its exception:
    /// Lambda then restarts the container.
    /// </summary>
    public static async Task<int> RunAsync(
        LambdaRuntimeClient client,
        LambdaFunctionFactory factory,
        LambdaFunctionServices services,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.LoggerFactory.CreateLogger(typeof(LambdaRuntimeHost).FullName!);

        LambdaHandler handler;
        try
        {
            handler = await factory(services, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RuntimeLog.InitFailed(logger, ex);
            await client.SendInitErrorAsync(LambdaError.FromException(ex), CancellationToken.None);
            return 1;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            LambdaInvocation invocation;
            try
            {
                invocation = await client.GetNextInvocationAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            await InvokeAsync(client, handler, invocation, services.TimeProvider, logger, cancellationToken);
        }
        return 0;
    }

    private static async Task InvokeAsync(
        LambdaRuntimeClient client,
        LambdaHandler handler,
        LambdaInvocation invocation,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var context = invocation.Context;
        // X-Ray and the log lines read the trace id from the environment, as on Lambda's managed runtimes.
        Environment.SetEnvironmentVariable(EnvironmentVariables.TraceId, context.TraceId);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var budget = context.GetRemainingTime(timeProvider) - DeadlineMargin;
        if (context.Deadline != DateTimeOffset.MaxValue)
        {
            deadline.CancelAfter(budget > TimeSpan.Zero ? budget : TimeSpan.Zero);
        }

        byte[] response;
        try
        {
            response = await handler(invocation.Body, context, deadline.Token);
        }
        catch (Exception ex)
        {
            var error = ex is OperationCanceledException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                ? LambdaError.FromException(new DeadlineExceededException(context.RequestId, ex))
                : LambdaError.FromException(ex);
            RuntimeLog.InvocationFailed(logger, context.RequestId, error.ErrorType, ex);
            await client.SendErrorAsync(context.RequestId, error, CancellationToken.None);
            return;
        }
        // Not cancellable: once the handler has finished, its outcome is reported even if shutdown began.
        await client.SendResponseAsync(context.RequestId, response, CancellationToken.None);
    }

    /// <summary>The handler ran into the invocation deadline; a later attempt with more time may succeed.</summary>
    private sealed class DeadlineExceededException(string requestId, Exception inner)
        : TransactionEtlException($"Invocation {requestId} stopped at its deadline; raise the function timeout if this repeats.", inner)
    {
        public override bool IsTransient => true;
    }
}
