using Microsoft.Extensions.Logging;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.StepFunctions.Internal;

/// <summary>Source-generated log messages of the Step Functions client (event ids 1610-1619 of start-workflow's 1600-1699, see EventIds).</summary>
internal static partial class StepFunctionsLog
{
    [LoggerMessage(EventId = EventIds.StartExecutionRetrying, Level = LogLevel.Warning, Message = "StartExecution failed with {ErrorCode} (HTTP {StatusCode}); attempt {NextAttempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, string errorCode, int statusCode, int nextAttempt, TimeSpan delay);

    [LoggerMessage(EventId = EventIds.ExecutionAlreadyExists, Level = LogLevel.Information, Message = "Execution {ExecutionName} already exists: duplicate delivery, nothing started")]
    public static partial void AlreadyExists(ILogger logger, string executionName);
}
