using Microsoft.Extensions.Logging;

namespace TransactionEtl.Aws.StartWorkflow.Internal;

/// <summary>Source-generated log messages of StartWorkflow (event ids 1200-1299).</summary>
internal static partial class StartWorkflowLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Ignoring the S3 test event for bucket {Bucket}")]
    public static partial void TestEvent(ILogger logger, string? bucket);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Ignoring record {Index}: event {EventName} is not ObjectCreated")]
    public static partial void NotCreated(ILogger logger, int index, string? eventName);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Started execution {ExecutionName} for s3://{Bucket}/{Key}")]
    public static partial void Started(ILogger logger, string executionName, string bucket, string key);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Execution {ExecutionName} for s3://{Bucket}/{Key} already existed: duplicate delivery")]
    public static partial void Duplicate(ILogger logger, string executionName, string bucket, string key);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "The event has no records")]
    public static partial void NoRecords(ILogger logger);
}
