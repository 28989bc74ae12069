using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.Observability;

/// <summary>
/// Every log message of the AWS adapters, source-generated (no boxing, no parsing of templates at run
/// time, AOT-safe). Their ids come from the product's one table, <see cref="EventIds"/>
/// (1000-1099 secrets, 1100-1199 S3, 1200-1299 notify-chat).
/// Never pass a secret value as an argument: the redactor is a safety net, not the plan.
/// </summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = EventIds.SecretRead, EventName = "SecretRead", Level = LogLevel.Information,
        Message = "Read secret {SecretId} from Secrets Manager")]
    public static partial void SecretRead(this ILogger logger, string secretId);

    [LoggerMessage(EventId = EventIds.SecretInvalidated, EventName = "SecretInvalidated", Level = LogLevel.Warning,
        Message = "Dropped the cached secret {SecretId} ({Reason}); it is read again on next use")]
    public static partial void SecretInvalidated(this ILogger logger, string secretId, string reason);

    [LoggerMessage(EventId = EventIds.SecretRotationRetry, EventName = "SecretRotationRetry", Level = LogLevel.Warning,
        Message = "Database refused the cached credentials from {SecretId} (SQLSTATE " + PostgresErrorCodes.InvalidPassword + ", likely rotated); re-reading the secret once")]
    public static partial void SecretRotationRetry(this ILogger logger, string secretId);

    [LoggerMessage(EventId = EventIds.S3ObjectOpened, EventName = "S3ObjectOpened", Level = LogLevel.Information,
        Message = "Streaming s3://{Bucket}/{Key} version {VersionId} ({ContentLength} bytes)")]
    public static partial void S3ObjectOpened(this ILogger logger, string bucket, string key, string? versionId, long contentLength);

    [LoggerMessage(EventId = EventIds.ReportWritten, EventName = "ReportWritten", Level = LogLevel.Information,
        Message = "Wrote report {ReportUri} ({Bytes} bytes)")]
    public static partial void ReportWritten(this ILogger logger, string reportUri, long bytes);

    [LoggerMessage(EventId = EventIds.ReportUploadAborted, EventName = "ReportUploadAborted", Level = LogLevel.Warning,
        Message = "Aborted the unfinished upload of {ReportUri}")]
    public static partial void ReportUploadAborted(this ILogger logger, string reportUri);

    [LoggerMessage(EventId = EventIds.ChatAlertReceived, EventName = "ChatAlertReceived", Level = LogLevel.Information,
        Message = "Alert for {File}: status {Status}, severity {Severity}")]
    public static partial void ChatAlertReceived(this ILogger logger, string file, string status, string severity);

    [LoggerMessage(EventId = EventIds.ChatPosted, EventName = "ChatPosted", Level = LogLevel.Information,
        Message = "Posted the {Channel} message (HTTP {StatusCode})")]
    public static partial void ChatPosted(this ILogger logger, string channel, int statusCode);

    [LoggerMessage(EventId = EventIds.ChatRetry, EventName = "ChatRetry", Level = LogLevel.Warning,
        Message = "{Channel} webhook answered {Outcome}; attempt {Attempt} retries in {DelayMs} ms")]
    public static partial void ChatRetry(this ILogger logger, string channel, string outcome, int attempt, long delayMs);

    [LoggerMessage(EventId = EventIds.ChatFailed, EventName = "ChatFailed", Level = LogLevel.Error,
        Message = "{Channel} message not delivered: {Reason}")]
    public static partial void ChatFailed(this ILogger logger, string channel, string reason);

    [LoggerMessage(EventId = EventIds.ChatNoWebhook, EventName = "ChatNoWebhook", Level = LogLevel.Warning,
        Message = "The chat secret holds no webhook URL; nothing to post")]
    public static partial void ChatNoWebhook(this ILogger logger);

    [LoggerMessage(EventId = EventIds.ChatRecordSkipped, EventName = "ChatRecordSkipped", Level = LogLevel.Warning,
        Message = "SNS record {MessageId} is not a TransactionEtl alert: {Reason}")]
    public static partial void ChatRecordSkipped(this ILogger logger, string messageId, string reason);

    [LoggerMessage(EventId = EventIds.ChatPartlyDelivered, EventName = "ChatPartlyDelivered", Level = LogLevel.Error,
        Message = "Alert for {File} reached only some channels and is not redelivered, so the others miss it: {Failures}")]
    public static partial void ChatPartlyDelivered(this ILogger logger, string file, string failures);
}
