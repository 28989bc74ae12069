using System.Text;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.StartWorkflow.Internal;
using TransactionEtl.Aws.StepFunctions;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>
/// The SQS part: S3 sends its notifications to a queue, and a Lambda event source mapping with
/// <c>ReportBatchItemFailures</c> hands StartWorkflow batches of them. Each message stands alone: a message
/// whose executions could not all be started is reported in <c>batchItemFailures</c>, so SQS delivers it again
/// (and the dead-letter queue takes it after maxReceiveCount); the rest of the batch is deleted. Executions a
/// failed message did start are found as duplicates on the redelivery, so nothing loads twice.
/// </summary>
internal sealed partial class StartWorkflowHandler
{
    /// <summary>Handles every message of the batch; returns the ones SQS must deliver again.</summary>
    internal async Task<SqsBatchResponse> HandleBatchAsync(IReadOnlyList<SqsMessage> messages, CancellationToken cancellationToken)
    {
        // Lambda reads an empty or missing identifier as "the whole batch failed"; say so, before starting anything.
        if (messages.Any(m => string.IsNullOrEmpty(m.MessageId)))
        {
            throw new InvalidS3EventException("An SQS record has no messageId; hint: the event must come from an SQS event source mapping.");
        }
        var failures = new List<SqsBatchItemFailure>();
        foreach (var message in messages)
        {
            if (!await TryMessageAsync(message.MessageId!, message.Body, cancellationToken))
            {
                failures.Add(new SqsBatchItemFailure { ItemIdentifier = message.MessageId! });
            }
        }
        StartWorkflowLog.QueueBatchHandled(_logger, messages.Count, failures.Count);
        return new SqsBatchResponse { BatchItemFailures = failures };
    }

    /// <summary>Starts the executions of one message; false (logged) when the message must come back.</summary>
    private async Task<bool> TryMessageAsync(string messageId, string? body, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // Out of time: answer before Lambda's deadline so the messages already handled are deleted.
            StartWorkflowLog.QueueMessageFailed(_logger, LogLevel.Warning, messageId, "transient", "the invocation ran out of time before this message");
            return false;
        }
        try
        {
            await StartAsync(ParseBody(body), cancellationToken);
            return true;
        }
        catch (InvalidS3EventException ex)
        {
            // Redelivery will not change the body: it ends in the dead-letter queue after maxReceiveCount.
            StartWorkflowLog.QueueMessageFailed(_logger, LogLevel.Error, messageId, "permanent", ex.Message);
        }
        catch (StepFunctionsException ex)
        {
            StartWorkflowLog.QueueMessageFailed(_logger, ex.IsTransient ? LogLevel.Warning : LogLevel.Error, messageId,
                ex.IsTransient ? "transient" : "permanent", ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            StartWorkflowLog.QueueMessageFailed(_logger, LogLevel.Warning, messageId, "transient", "the invocation ran out of time during this message");
        }
        return false;
    }

    /// <summary>The S3 notification in a message body: records, or the <c>s3:TestEvent</c>; anything else is refused.</summary>
    private static S3EventNotification ParseBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new InvalidS3EventException("The message body is empty; expected an S3 event notification.");
        }
        var notification = Parse(Encoding.UTF8.GetBytes(body), StartWorkflowJsonContext.Default.S3EventNotification, "The message body");
        if (notification.Event != "s3:TestEvent" && notification.Records is not { Count: > 0 })
        {
            throw new InvalidS3EventException(
                "The message body has no Records and is not the s3:TestEvent; hint: only the bucket's S3 event notifications may be sent to this queue.");
        }
        return notification;
    }
}
