using Microsoft.Extensions.Logging;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.Runtime.Internal;

/// <summary>Source-generated log messages of the runtime loop (event ids 1500-1599, see EventIds).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = EventIds.FunctionInitFailed, Level = LogLevel.Critical, Message = "Function initialization failed")]
    public static partial void InitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = EventIds.InvocationFailed, Level = LogLevel.Error, Message = "Invocation {RequestId} failed with {ErrorType}")]
    public static partial void InvocationFailed(ILogger logger, string requestId, string errorType, Exception exception);
}
