using System.Text.Json;

namespace TransactionEtl.Aws.NotifyChat.Internal;

/// <summary>
/// Turns a Step Functions execution status change into the alert the chat shows. These events report the
/// failures the state machine does not catch (RunEtl's errors after its retries, the execution timeout, an
/// abort), so the alert says how to re-run: a redrive restarts the execution at the failed state.
/// </summary>
internal static class ExecutionStatusAlert
{
    // The statuses a redrive can restart (RedriveExecution: failed, aborted or timed out).
    private static readonly string[] Redrivable = ["FAILED", "TIMED_OUT", "ABORTED"];

    /// <summary>The alert for <paramref name="message"/> when it is such an event; null for any other message.</summary>
    public static ChatAlert? TryConvert(string message)
    {
        ExecutionStatusEvent? statusEvent;
        try
        {
            statusEvent = JsonSerializer.Deserialize(message, ChatJsonContext.Default.ExecutionStatusEvent);
        }
        catch (JsonException)
        {
            return null; // Not this shape; the caller tries the state machine's alert.
        }
        if (statusEvent?.DetailType != ExecutionStatusEvent.DetailTypeValue || statusEvent.Detail is not { } detail)
        {
            return null;
        }
        var redrivable = detail.Status is { } s && Redrivable.Contains(s, StringComparer.Ordinal);
        var (bucket, key, inputNote) = FileOf(detail);
        return new ChatAlert
        {
            Severity = redrivable ? "error" : "info",
            Status = detail.Status?.ToLowerInvariant() ?? "unknown",
            Bucket = bucket,
            Key = key,
            Error = detail.Error,
            Cause = detail.Cause,
            ExecutionArn = detail.ExecutionArn,
            ExecutionName = detail.Name ?? NameOf(detail.ExecutionArn),
            ConsoleUrl = ConsoleUrl(detail.ExecutionArn),
            InputNote = inputNote is null || detail.ExecutionArn is null
                ? inputNote
                : $"{inputNote}; the execution's input names it: aws stepfunctions describe-execution --execution-arn {detail.ExecutionArn}",
            Rerun = redrivable && detail.ExecutionArn is not null
                ? $"aws stepfunctions redrive-execution --execution-arn {detail.ExecutionArn}"
                : null,
        };
    }

    /// <summary>Bucket and key from the execution input (StartWorkflow's <c>{"bucket","key",...}</c>), or why they are unknown.</summary>
    internal static (string? Bucket, string? Key, string? Note) FileOf(ExecutionStatusDetail detail)
    {
        var input = detail.Input;
        if (input is not { ValueKind: JsonValueKind.String or JsonValueKind.Object } element)
        {
            return (null, null, detail.InputDetails?.Included == false
                ? "File unknown: the event does not include the execution input (too large for the event)"
                : "File unknown: the event carries no execution input");
        }
        try
        {
            using var document = element.ValueKind == JsonValueKind.String
                ? JsonDocument.Parse(element.GetString()!)
                : JsonDocument.Parse(element.GetRawText());
            var root = document.RootElement;
            var bucket = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("bucket", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
            var key = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            // A bucket without a key would show as the bucket's root; the note says what is missing instead.
            return key is null
                ? (null, null, "File unknown: the execution input names no key")
                : (bucket, key, null);
        }
        catch (JsonException)
        {
            return (null, null, "File unknown: the execution input in the event is not complete JSON (truncated)");
        }
    }

    /// <summary>The execution name is the last part of <c>arn:partition:states:region:account:execution:machine:name</c>.</summary>
    private static string? NameOf(string? executionArn) =>
        executionArn?.Split(':') is { Length: >= 8 } parts ? parts[7] : null;

    /// <summary>The same console link the state machine's own alerts carry; only for the aws partition's console.</summary>
    internal static string? ConsoleUrl(string? executionArn)
    {
        var parts = executionArn?.Split(':');
        if (parts is not { Length: >= 8 } || parts[0] != "arn" || parts[1] != "aws" || parts[2] != "states" || parts[3].Length == 0)
        {
            return null;
        }
        var region = parts[3];
        return $"https://{region}.console.aws.amazon.com/states/home?region={region}#/v2/executions/details/{executionArn}";
    }
}
