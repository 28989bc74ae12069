using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.NotifyChat.Internal;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Secrets;

namespace TransactionEtl.Aws.NotifyChat;

/// <summary>
/// The notify-chat function: an SNS event carrying the state machine's alerts, or the EventBridge execution
/// status changes of failed executions, becomes one Slack and/or one Teams message per alert (one per file,
/// never per row). Webhook URLs come from the chat secret.
/// If an alert reached no channel after the retries, the function fails, so SNS redelivers the event. If it
/// reached one of two, the other's failure is logged (<c>ChatPartlyDelivered</c>) and the function succeeds:
/// a redelivery would post the alert to the working channel again, and the team has seen it there.
/// </summary>
internal sealed class NotifyChatHandler
{
    private readonly CachedSecret<ChatWebhookSecret> _webhooks;
    private readonly ChatWebhookClient _client;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    public NotifyChatHandler(CachedSecret<ChatWebhookSecret> webhooks, ChatWebhookClient client, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        _webhooks = webhooks;
        _client = client;
        _logger = logger;
    }

    /// <summary>Handles one SNS event.</summary>
    /// <param name="input">The SNS event JSON as Lambda delivered it.</param>
    /// <param name="cancellationToken">Cancelled before the Lambda deadline.</param>
    /// <returns><c>{"messages":N,"posts":M}</c> as UTF-8 JSON.</returns>
    /// <exception cref="ChatDeliveryException">A post failed after its retries.</exception>
    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        var snsEvent = ParseEvent(input);
        var webhooks = await _webhooks.GetAsync(cancellationToken);
        if (webhooks.SlackWebhookUrl is null && webhooks.TeamsWebhookUrl is null)
        {
            _logger.ChatNoWebhook();
        }

        int messages = 0, posts = 0;
        var failures = new List<ChatDeliveryException>();
        foreach (var record in snsEvent?.Records ?? [])
        {
            if (await DeliverAsync(record, webhooks, failures, cancellationToken) is { } delivered)
            {
                messages++;
                posts += delivered;
            }
        }

        if (failures.Count > 0)
        {
            // Every failure here is an alert no channel received; SNS redelivers the whole event.
            throw new ChatDeliveryException(
                string.Join(" ", failures.Select(f => f.Message)), isTransient: failures.TrueForAll(f => f.IsTransient));
        }
        return Response(messages, posts);
    }

    private static SnsEvent? ParseEvent(ReadOnlyMemory<byte> input)
    {
        try
        {
            return JsonSerializer.Deserialize(input.Span, ChatJsonContext.Default.SnsEvent);
        }
        catch (JsonException ex)
        {
            throw new ChatDeliveryException(
                $"The notify-chat event is not SNS JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine}); expected {{\"Records\":[{{\"Sns\":{{\"Message\":...}}}}]}}.",
                isTransient: false);
        }
    }

    /// <summary>
    /// Posts one record's alert to each configured channel. Returns how many channels received it, or null
    /// when the record holds no alert. Adds to <paramref name="failures"/> only when no channel received it:
    /// a partial delivery is logged instead, since a redelivery would repeat the post where it arrived.
    /// </summary>
    private async Task<int?> DeliverAsync(SnsRecord record, ChatWebhookSecret webhooks, List<ChatDeliveryException> failures, CancellationToken cancellationToken)
    {
        var messageId = record.Sns?.MessageId ?? "(no id)";
        var alert = ParseAlert(record.Sns, messageId);
        if (alert is null)
        {
            return null;
        }
        ApplySeverityAttribute(alert, record.Sns);
        var view = new AlertView(alert);
        // The backfill's summary is about a prefix and its counts, not one file: it has a layout of its own.
        var backfill = BackfillSummaryView.TryCreate(alert);
        using var scope = _logger.BeginScope(new LogContext
        {
            ExecutionName = alert.ExecutionName, Bucket = alert.Bucket, Key = alert.Key, FileId = alert.Summary?.FileId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _logger.ChatAlertReceived(backfill?.PrefixUri ?? view.File, view.Status, view.Severity);
        var alertFailures = new List<ChatDeliveryException>();
        var delivered = 0;
        if (webhooks.SlackWebhookUrl is { } slack)
        {
            delivered += await TryPostAsync("Slack", slack, backfill is null ? ChatPayloads.Slack(view) : BackfillSummaryPayloads.Slack(backfill), alertFailures, cancellationToken);
        }
        if (webhooks.TeamsWebhookUrl is { } teams)
        {
            delivered += await TryPostAsync("Teams", teams, backfill is null ? ChatPayloads.Teams(view) : BackfillSummaryPayloads.Teams(backfill), alertFailures, cancellationToken);
        }
        if (delivered > 0 && alertFailures.Count > 0)
        {
            _logger.ChatPartlyDelivered(view.File, string.Join(" ", alertFailures.Select(f => f.Message)));
        }
        else
        {
            failures.AddRange(alertFailures);
        }
        return delivered;
    }

    private static byte[] Response(int messages, int posts)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("messages", messages);
            json.WriteNumber("posts", posts);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private async Task<int> TryPostAsync(string channel, Uri webhook, byte[] payload, List<ChatDeliveryException> failures, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PostAsync(channel, webhook, payload, cancellationToken);
            return 1;
        }
        catch (ChatDeliveryException ex)
        {
            failures.Add(ex);
            return 0;
        }
    }

    private ChatAlert? ParseAlert(SnsMessage? sns, string messageId)
    {
        if (string.IsNullOrWhiteSpace(sns?.Message))
        {
            _logger.ChatRecordSkipped(messageId, "empty message");
            return null;
        }
        if (ExecutionStatusAlert.TryConvert(sns.Message) is { } statusAlert)
        {
            return statusAlert;
        }
        try
        {
            var alert = JsonSerializer.Deserialize(sns.Message, ChatJsonContext.Default.ChatAlert);
            if (alert is null || (alert.Status is null && alert.Summary is null && alert.Error is null))
            {
                _logger.ChatRecordSkipped(messageId, "no status, summary or error");
                return null;
            }
            return alert;
        }
        catch (JsonException ex)
        {
            // A message that is not an alert will not become one on redelivery: log it and move on.
            _logger.ChatRecordSkipped(messageId, $"not alert JSON (line {ex.LineNumber + 1})");
            return null;
        }
    }

    private static void ApplySeverityAttribute(ChatAlert alert, SnsMessage? sns)
    {
        if (alert.Severity is null && sns?.MessageAttributes is { } attributes
            && attributes.TryGetValue("severity", out var severity))
        {
            alert.Severity = severity.Value;
        }
    }
}
