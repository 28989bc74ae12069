using Microsoft.Extensions.Logging;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.StartWorkflow.Internal;

/// <summary>Source-generated log messages of StartWorkflow (event ids 1600-1609, see EventIds).</summary>
internal static partial class StartWorkflowLog
{
    [LoggerMessage(EventId = EventIds.S3TestEventIgnored, Level = LogLevel.Information, Message = "Ignoring the S3 test event for bucket {Bucket}")]
    public static partial void TestEvent(ILogger logger, string? bucket);

    [LoggerMessage(EventId = EventIds.RecordNotCreatedIgnored, Level = LogLevel.Information, Message = "Ignoring record {Index}: event {EventName} is not ObjectCreated")]
    public static partial void NotCreated(ILogger logger, int index, string? eventName);

    [LoggerMessage(EventId = EventIds.ExecutionStarted, Level = LogLevel.Information, Message = "Started execution {ExecutionName} for s3://{Bucket}/{Key}")]
    public static partial void Started(ILogger logger, string executionName, string bucket, string key);

    [LoggerMessage(EventId = EventIds.ExecutionDuplicate, Level = LogLevel.Information, Message = "Execution {ExecutionName} for s3://{Bucket}/{Key} already existed: duplicate delivery")]
    public static partial void Duplicate(ILogger logger, string executionName, string bucket, string key);

    [LoggerMessage(EventId = EventIds.EventWithoutRecords, Level = LogLevel.Warning, Message = "The event has no records")]
    public static partial void NoRecords(ILogger logger);

    [LoggerMessage(EventId = EventIds.QueueMessageFailed, Message = "SQS message {MessageId} failed and goes back to the queue ({Kind}): {Reason}")]
    public static partial void QueueMessageFailed(ILogger logger, LogLevel level, string messageId, string kind, string reason);

    [LoggerMessage(EventId = EventIds.QueueBatchHandled, Level = LogLevel.Information, Message = "Handled {Messages} SQS messages, {Failed} failed")]
    public static partial void QueueBatchHandled(ILogger logger, int messages, int failed);
}
