using Microsoft.Extensions.Logging;

namespace TransactionEtl.Aws.StepFunctions.Internal;

/// <summary>Source-generated log messages of the Step Functions client (event ids 1100-1199).</summary>
internal static partial class StepFunctionsLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "StartExecution failed with {ErrorCode} (HTTP {StatusCode}); attempt {NextAttempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, string errorCode, int statusCode, int nextAttempt, TimeSpan delay);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Execution {ExecutionName} already exists: duplicate delivery, nothing started")]
    public static partial void AlreadyExists(ILogger logger, string executionName);
}
