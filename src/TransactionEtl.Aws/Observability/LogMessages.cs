using Microsoft.Extensions.Logging;

namespace TransactionEtl.Aws.Observability;

/// <summary>
/// Every log message of the AWS adapters, source-generated (no boxing, no parsing of templates at run
/// time, AOT-safe). Event id ranges: 1000-1099 secrets, 1100-1199 S3, 1200-1299 notify-chat,
/// 1300-1399 configuration and metrics; 100-999 are left to the runtime loop and the other handlers.
/// Never pass a secret value as an argument: the redactor is a safety net, not the plan.
/// </summary>
public static partial class LogMessages
{
    [LoggerMessage(EventId = 1000, EventName = "SecretRead", Level = LogLevel.Information,
        Message = "Read secret {SecretId} through SSM parameter {ParameterName}")]
    public static partial void SecretRead(this ILogger logger, string secretId, string parameterName);

    [LoggerMessage(EventId = 1001, EventName = "SecretInvalidated", Level = LogLevel.Warning,
        Message = "Dropped the cached secret {SecretId} ({Reason}); it is read again on next use")]
    public static partial void SecretInvalidated(this ILogger logger, string secretId, string reason);

    [LoggerMessage(EventId = 1002, EventName = "SecretRotationRetry", Level = LogLevel.Warning,
        Message = "Database refused the cached credentials from {SecretId} (SQLSTATE 28P01, likely rotated); re-reading the secret once")]
    public static partial void SecretRotationRetry(this ILogger logger, string secretId);

    [LoggerMessage(EventId = 1100, EventName = "S3ObjectOpened", Level = LogLevel.Information,
        Message = "Streaming s3://{Bucket}/{Key} version {VersionId} ({ContentLength} bytes)")]
    public static partial void S3ObjectOpened(this ILogger logger, string bucket, string key, string? versionId, long contentLength);

    [LoggerMessage(EventId = 1101, EventName = "ReportWritten", Level = LogLevel.Information,
        Message = "Wrote report {ReportUri} ({Bytes} bytes)")]
    public static partial void ReportWritten(this ILogger logger, string reportUri, long bytes);

    [LoggerMessage(EventId = 1102, EventName = "ReportUploadAborted", Level = LogLevel.Warning,
        Message = "Aborted the unfinished upload of {ReportUri}")]
    public static partial void ReportUploadAborted(this ILogger logger, string reportUri);

    [LoggerMessage(EventId = 1200, EventName = "ChatAlertReceived", Level = LogLevel.Information,
        Message = "Alert for {File}: status {Status}, severity {Severity}")]
    public static partial void ChatAlertReceived(this ILogger logger, string file, string status, string severity);

    [LoggerMessage(EventId = 1201, EventName = "ChatPosted", Level = LogLevel.Information,
        Message = "Posted the {Channel} message (HTTP {StatusCode})")]
    public static partial void ChatPosted(this ILogger logger, string channel, int statusCode);

    [LoggerMessage(EventId = 1202, EventName = "ChatRetry", Level = LogLevel.Warning,
        Message = "{Channel} webhook answered {Outcome}; attempt {Attempt} retries in {DelayMs} ms")]
    public static partial void ChatRetry(this ILogger logger, string channel, string outcome, int attempt, long delayMs);

    [LoggerMessage(EventId = 1203, EventName = "ChatFailed", Level = LogLevel.Error,
        Message = "{Channel} message not delivered: {Reason}")]
    public static partial void ChatFailed(this ILogger logger, string channel, string reason);

    [LoggerMessage(EventId = 1204, EventName = "ChatNoWebhook", Level = LogLevel.Warning,
        Message = "The chat secret holds no webhook URL; nothing to post")]
    public static partial void ChatNoWebhook(this ILogger logger);

    [LoggerMessage(EventId = 1205, EventName = "ChatRecordSkipped", Level = LogLevel.Warning,
        Message = "SNS record {MessageId} is not a TransactionEtl alert: {Reason}")]
    public static partial void ChatRecordSkipped(this ILogger logger, string messageId, string reason);

    [LoggerMessage(EventId = 1206, EventName = "ChatPartlyDelivered", Level = LogLevel.Error,
        Message = "Alert for {File} reached only some channels and is not redelivered, so the others miss it: {Failures}")]
    public static partial void ChatPartlyDelivered(this ILogger logger, string file, string failures);
}
