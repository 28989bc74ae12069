using System.Text.Json;
using TransactionEtl.Aws.Secrets.Internal;

namespace TransactionEtl.Aws.Secrets;

/// <summary>
/// The chat webhook URLs, from a secret shaped <c>{"slack_webhook_url":..,"teams_webhook_url":..}</c>
/// (either may be absent). A webhook URL is a credential: whoever has it can post, so it lives in a secret
/// and <see cref="ToString"/> never shows it.
/// </summary>
internal sealed class ChatWebhookSecret
{
    private ChatWebhookSecret(Uri? slack, Uri? teams)
    {
        SlackWebhookUrl = slack;
        TeamsWebhookUrl = teams;
    }

    /// <summary>Slack incoming-webhook URL, or null.</summary>
    public Uri? SlackWebhookUrl { get; }

    /// <summary>Microsoft Teams Workflows webhook URL, or null.</summary>
    public Uri? TeamsWebhookUrl { get; }

    /// <summary>Parses the secret's JSON text.</summary>
    /// <exception cref="SecretReadException">Not JSON, or a URL that is not absolute http(s), or neither URL present.</exception>
    public static ChatWebhookSecret Parse(string secretId, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ChatWebhookDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, SecretsJsonContext.Default.ChatWebhookDocument);
        }
        catch (JsonException ex)
        {
            throw new SecretReadException(
                $"Secret '{secretId}' is not JSON (line {ex.LineNumber + 1}); expected {{\"slack_webhook_url\":\"https://...\",\"teams_webhook_url\":\"https://...\"}}.",
                isTransient: false);
        }
        var slack = ParseUrl(secretId, "slack_webhook_url", doc?.SlackWebhookUrl);
        var teams = ParseUrl(secretId, "teams_webhook_url", doc?.TeamsWebhookUrl);
        if (slack is null && teams is null)
        {
            throw new SecretReadException(
                $"Secret '{secretId}' holds neither slack_webhook_url nor teams_webhook_url; set at least one.", isTransient: false);
        }
        return new ChatWebhookSecret(slack, teams);
    }

    private static Uri? ParseUrl(string secretId, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new SecretReadException(
                $"Secret '{secretId}' field {field} is not an absolute https URL.", isTransient: false);
        }
        return uri;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"slack: {(SlackWebhookUrl is null ? "none" : "set")}, teams: {(TeamsWebhookUrl is null ? "none" : "set")}";
}
