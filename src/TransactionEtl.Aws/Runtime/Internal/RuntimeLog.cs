using Microsoft.Extensions.Logging;

namespace TransactionEtl.Aws.Runtime.Internal;

/// <summary>Source-generated log messages of the runtime loop (event ids 1000-1099).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Critical, Message = "Function initialization failed")]
    public static partial void InitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Invocation {RequestId} failed with {ErrorType}")]
    public static partial void InvocationFailed(ILogger logger, string requestId, string errorType, Exception exception);
}
