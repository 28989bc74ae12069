using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.StartWorkflow.Internal;
using TransactionEtl.Aws.StepFunctions;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>
/// S3 ObjectCreated notification -> one Step Functions execution per object version. Thin: decode the
/// event, name the execution, start it. The deployment delivers the notifications through SQS (a batch of
/// messages, each body one S3 notification; see the Queue part); a direct S3 event is still accepted for
/// local invokes. There a record that cannot be started after the client's retries fails the whole
/// invocation; records already started are then skipped as duplicates on the retry.
/// </summary>
internal sealed partial class StartWorkflowHandler
{
    private readonly StepFunctionsClient _stepFunctions;
    private readonly string _stateMachineArn;
    private readonly ILogger _logger;

    /// <summary>Creates the handler for <paramref name="stateMachineArn"/>.</summary>
    public StartWorkflowHandler(StepFunctionsClient stepFunctions, string stateMachineArn, ILogger<StartWorkflowHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(stepFunctions);
        ArgumentException.ThrowIfNullOrEmpty(stateMachineArn);
        ArgumentNullException.ThrowIfNull(logger);
        _stepFunctions = stepFunctions;
        _stateMachineArn = stateMachineArn;
        _logger = logger;
    }

    /// <summary>
    /// The Lambda entry: an SQS batch in, the partial batch response out; or a direct S3 notification in,
    /// <see cref="StartWorkflowResult"/> JSON out.
    /// </summary>
    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> input, LambdaContext context, CancellationToken cancellationToken)
    {
        var queueEvent = Parse(input.Span, StartWorkflowJsonContext.Default.SqsEvent, "The event");
        if (queueEvent.IsQueueBatch)
        {
            var response = await HandleBatchAsync(queueEvent.Records!, cancellationToken);
            return JsonSerializer.SerializeToUtf8Bytes(response, StartWorkflowJsonContext.Default.SqsBatchResponse);
        }
        var notification = Parse(input.Span, StartWorkflowJsonContext.Default.S3EventNotification, "The event");
        var result = await StartAsync(notification, cancellationToken);
        return JsonSerializer.SerializeToUtf8Bytes(result, StartWorkflowJsonContext.Default.StartWorkflowResult);
    }

    /// <summary>Reads <paramref name="json"/>; anything else than an object of the expected shape is an <see cref="InvalidS3EventException"/>.</summary>
    private static T Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string what)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type)
                ?? throw new InvalidS3EventException($"{what} is JSON null; expected an S3 notification with a Records array.");
        }
        catch (JsonException ex)
        {
            throw new InvalidS3EventException(
                $"{what} is not S3 notification JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message} " +
                "Hint: StartWorkflow expects the S3 ObjectCreated notification format with a Records array, " +
                "or an SQS batch whose message bodies are such notifications.", ex);
        }
    }

    /// <summary>Starts one execution per ObjectCreated record.</summary>
    public async Task<StartWorkflowResult> StartAsync(S3EventNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.Event == "s3:TestEvent")
        {
            StartWorkflowLog.TestEvent(_logger, notification.Bucket);
            return new StartWorkflowResult { Executions = [], Ignored = 1 };
        }
        var records = notification.Records ?? [];
        if (records.Count == 0)
        {
            StartWorkflowLog.NoRecords(_logger);
        }

        var executions = new List<StartedExecution>(records.Count);
        var ignored = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record.EventName is null || !record.EventName.StartsWith("ObjectCreated:", StringComparison.Ordinal))
            {
                StartWorkflowLog.NotCreated(_logger, i, record.EventName);
                ignored++;
                continue;
            }
            executions.Add(await StartOneAsync(i, record, cancellationToken));
        }
        return new StartWorkflowResult { Executions = executions, Ignored = ignored };
    }

    private async Task<StartedExecution> StartOneAsync(int index, S3EventRecord record, CancellationToken cancellationToken)
    {
        var bucket = record.S3?.Bucket?.Name;
        var encodedKey = record.S3?.S3Object?.Key;
        if (string.IsNullOrEmpty(bucket) || string.IsNullOrEmpty(encodedKey))
        {
            throw new InvalidS3EventException(
                $"Record {index} ({record.EventName}) has no {(string.IsNullOrEmpty(bucket) ? "s3.bucket.name" : "s3.object.key")}; " +
                "hint: the event must come from an S3 bucket notification.");
        }
        var obj = record.S3!.S3Object!;
        var key = S3KeyDecoder.Decode(encodedKey);
        var input = new WorkflowInput
        {
            Bucket = bucket,
            Key = key,
            VersionId = obj.VersionId,
            ETag = obj.ETag,
            Size = obj.Size,
            Sequencer = obj.Sequencer,
            EventTime = record.EventTime,
        };
        var name = ExecutionName.For(bucket, key, string.IsNullOrEmpty(obj.VersionId) ? obj.ETag : obj.VersionId);
        var json = JsonSerializer.Serialize(input, StartWorkflowJsonContext.Default.WorkflowInput);
        var started = await _stepFunctions.StartExecutionAsync(new StartExecutionRequest(_stateMachineArn, name, json), cancellationToken);
        if (started.AlreadyExisted)
        {
            StartWorkflowLog.Duplicate(_logger, name, bucket, key);
        }
        else
        {
            StartWorkflowLog.Started(_logger, name, bucket, key);
        }
        return new StartedExecution
        {
            Bucket = bucket,
            Key = key,
            ExecutionName = name,
            ExecutionArn = started.ExecutionArn,
            AlreadyExisted = started.AlreadyExisted,
        };
    }
}
