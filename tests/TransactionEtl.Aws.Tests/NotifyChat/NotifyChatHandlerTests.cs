using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.NotifyChat;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.NotifyChat;

public sealed partial class NotifyChatHandlerTests
{
    private const string SlackPath = "/services/T0000/B0000/slack-very-secret-token";
    private const string TeamsPath = "/workflows/4f1c/triggers/manual/paths/invoke?api-version=2016-06-01&sig=teams-very-secret-sig";

    private static byte[] Sample(string name) =>
        File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "samples", "events", name));

    private static byte[] ExactBytes(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "NotifyChat", "exact", name));

    private static JsonNode Expected(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "NotifyChat", name)))!;

    [Fact]
    public async Task Posts_the_exact_slack_and_teams_payloads_for_a_rejected_file()
    {
        await using var webhooks = new LoopbackHttpServer((r, _) => r.PathAndQuery.StartsWith("/services/", StringComparison.Ordinal)
            ? new LoopbackResponse(200, "ok") : new LoopbackResponse(202));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: true);

        var response = await rig.Handler.HandleAsync(Sample("sns-error-rejected.json"), default);

        Assert.Equal("""{"messages":1,"posts":2}""", System.Text.Encoding.UTF8.GetString(response));
        Assert.Equal(2, webhooks.Requests.Count);
        var slack = Assert.Single(webhooks.Requests, r => r.PathAndQuery == SlackPath);
        var teams = Assert.Single(webhooks.Requests, r => r.PathAndQuery == TeamsPath);
        Assert.All(webhooks.Requests, r => Assert.Equal("POST", r.Method));
        Assert.All(webhooks.Requests, r => Assert.StartsWith("application/json", r.Headers["Content-Type"]));
        AssertJson(Expected("slack-rejected.json"), JsonNode.Parse(slack.Body)!);
        AssertJson(Expected("teams-rejected.json"), JsonNode.Parse(teams.Body)!);
    }

    /// <summary>
    /// Pins every payload byte, field order included, which the JSON comparison above does not see. The files
    /// were written from the payload code before it was split into steps, to prove the split changed nothing.
    /// </summary>
    [Theory]
    [InlineData("sns-error-rejected")]
    [InlineData("sns-error-failed")]
    [InlineData("sns-warning-loaded-with-rejects")]
    [InlineData("sns-info-loaded")]
    [InlineData("sns-warning-key-conflicts")]
    [InlineData("sns-info-corrections-updated")]
    [InlineData("sns-warning-backfill-summary")]
    [InlineData("sns-error-backfill-failed")]
    public async Task Slack_and_teams_payloads_are_byte_for_byte_the_pinned_ones(string sample)
    {
        await using var webhooks = new LoopbackHttpServer((_, _) => new LoopbackResponse(200, "ok"));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: true);

        await rig.Handler.HandleAsync(Sample(sample + ".json"), default);

        var slack = Assert.Single(webhooks.Requests, r => r.PathAndQuery == SlackPath).Body;
        var teams = Assert.Single(webhooks.Requests, r => r.PathAndQuery == TeamsPath).Body;
        Assert.Equal(ExactBytes(sample + ".slack.json"), slack);
        Assert.Equal(ExactBytes(sample + ".teams.json"), teams);
    }

    [Theory]
    [InlineData("sns-warning-loaded-with-rejects.json", ":warning: File loaded with rejected rows: transactions 2026-11-26+eu.csv", "Warning")]
    [InlineData("sns-error-failed.json", ":rotating_light: Load failed: transactions 2026-11-26+eu.csv", "Attention")]
    [InlineData("sns-info-loaded.json", ":white_check_mark: File loaded: transactions 2026-11-26+eu.csv", "Good")]
    public async Task Every_severity_becomes_one_message_per_channel(string sample, string slackHeader, string teamsColor)
    {
        await using var webhooks = new LoopbackHttpServer((_, _) => new LoopbackResponse(200, "ok"));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: true);

        await rig.Handler.HandleAsync(Sample(sample), default);

        var slack = JsonNode.Parse(Assert.Single(webhooks.Requests, r => r.PathAndQuery == SlackPath).Body)!;
        var teams = JsonNode.Parse(Assert.Single(webhooks.Requests, r => r.PathAndQuery == TeamsPath).Body)!;
        Assert.Equal(slackHeader, (string?)slack["blocks"]![0]!["text"]!["text"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)slack["text"]));
        var card = teams["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)card["contentType"]);
        Assert.Equal(teamsColor, (string?)card["content"]!["body"]![0]!["color"]);
    }

    [Fact]
    public async Task Failure_alert_shows_the_error_and_cause()
    {
        await using var webhooks = new LoopbackHttpServer((_, _) => new LoopbackResponse(200, "ok"));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: false);

        await rig.Handler.HandleAsync(Sample("sns-error-failed.json"), default);

        var slack = JsonNode.Parse(Assert.Single(webhooks.Requests).Body)!;
        var error = (string?)slack["blocks"]![2]!["text"]!["text"];
        Assert.StartsWith("*Error* `TransactionEtl.Error`\n```{\"errorType\":\"TransactionEtl.Error\"", error);
        Assert.Contains("was not found through SSM parameter", error);
        Assert.Equal("Open execution", (string?)slack["blocks"]![3]!["elements"]![0]!["text"]!["text"]);
    }

    [Fact]
    public async Task Retries_a_429_after_the_delay_retry_after_asks_for()
    {
        await using var webhooks = new LoopbackHttpServer((_, n) => n == 1
            ? new LoopbackResponse(429, "rate_limited", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : new LoopbackResponse(200, "ok"));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: false);

        await rig.Handler.HandleAsync(Sample("sns-warning-loaded-with-rejects.json"), default);

        Assert.Equal(2, webhooks.Requests.Count);
        Assert.Equal(webhooks.Requests[0].Body, webhooks.Requests[1].Body);
        var retry = Assert.Single(rig.LogLines(), l => (string?)l["event"] == "ChatRetry");
        Assert.Equal("Slack webhook answered HTTP 429; attempt 1 retries in 1000 ms", (string?)retry["message"]);
    }

    [Fact]
    public async Task Fails_after_the_retries_so_sns_redelivers_and_never_shows_the_url()
    {
        await using var webhooks = new LoopbackHttpServer((_, _) => new LoopbackResponse(503, "down"));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: true, maxAttempts: 3);

        var ex = await Assert.ThrowsAsync<ChatDeliveryException>(() => rig.Handler.HandleAsync(Sample("sns-error-rejected.json"), default));

        Assert.True(ex.IsTransient);
        Assert.Equal(6, webhooks.Requests.Count);
        Assert.Contains("Slack message not delivered: HTTP 503", ex.Message);
        Assert.Contains("Teams message not delivered: HTTP 503", ex.Message);
        rig.AssertNoSecretIn(ex.ToString());
        rig.AssertNoSecretIn(rig.Output);
        Assert.Contains("\"event\":\"ChatFailed\"", rig.Output);
    }

    [Fact]
    public async Task An_alert_that_reached_one_channel_succeeds_so_sns_does_not_post_it_there_again()
    {
        // Slack answers, Teams is down: a redelivery would post the alert to Slack a second time.
        await using var webhooks = new LoopbackHttpServer((r, _) => r.PathAndQuery.StartsWith("/services/", StringComparison.Ordinal)
            ? new LoopbackResponse(200, "ok")
            : new LoopbackResponse(503, "down"));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: true, maxAttempts: 2);

        var response = JsonNode.Parse(await rig.Handler.HandleAsync(Sample("sns-error-rejected.json"), default))!;

        Assert.Equal(1, (int?)response["posts"]);
        Assert.Single(webhooks.Requests, r => r.PathAndQuery == SlackPath);
        Assert.Equal(2, webhooks.Requests.Count(r => r.PathAndQuery == TeamsPath));
        var partly = Assert.Single(rig.LogLines(), l => (string?)l["event"] == "ChatPartlyDelivered");
        Assert.Equal("Error", (string?)partly["level"]);
        Assert.Contains("Teams message not delivered: HTTP 503", (string?)partly["message"]);
        rig.AssertNoSecretIn(rig.Output);
    }

    [Fact]
    public async Task A_refused_connection_never_shows_the_url()
    {
        using var closed = new ClosedPort();
        var closedPort = closed.Port;
        await using var ssmOnly = new LoopbackHttpServer((_, _) => new LoopbackResponse(500));
        await using var rig = await Rig.CreateAsync(new Uri($"http://127.0.0.1:{closedPort}/"), slack: true, teams: false, maxAttempts: 2);

        var ex = await Assert.ThrowsAsync<ChatDeliveryException>(() => rig.Handler.HandleAsync(Sample("sns-error-rejected.json"), default));

        Assert.True(ex.IsTransient);
        Assert.Contains("ConnectionError", ex.Message);
        Assert.Null(ex.InnerException);
        rig.AssertNoSecretIn(ex.ToString());
        Assert.DoesNotContain(closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
        rig.AssertNoSecretIn(rig.Output);
    }

    [Fact]
    public async Task A_removed_webhook_fails_at_once_without_retrying()
    {
        await using var webhooks = new LoopbackHttpServer((_, _) => new LoopbackResponse(404, "no_service"));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: false);

        var ex = await Assert.ThrowsAsync<ChatDeliveryException>(() => rig.Handler.HandleAsync(Sample("sns-error-rejected.json"), default));

        Assert.Single(webhooks.Requests);
        Assert.False(ex.IsTransient);
        Assert.Contains("the webhook was removed or the URL in the chat secret is wrong", ex.Message);
        rig.AssertNoSecretIn(ex.ToString());
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_limit_fails_at_once_for_sns_to_retry_later()
    {
        await using var webhooks = new LoopbackHttpServer((_, _) =>
            new LoopbackResponse(429, "slow down", new Dictionary<string, string> { ["Retry-After"] = "3600" }));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: false);

        var ex = await Assert.ThrowsAsync<ChatDeliveryException>(() => rig.Handler.HandleAsync(Sample("sns-error-rejected.json"), default));

        Assert.Single(webhooks.Requests);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task A_message_that_is_not_an_alert_is_skipped_with_a_log_line()
    {
        await using var webhooks = new LoopbackHttpServer((_, _) => new LoopbackResponse(200, "ok"));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: false);
        var snsEvent = """{"Records":[{"Sns":{"MessageId":"m-1","Message":"plain text, not JSON"}}]}"""u8.ToArray();

        var response = await rig.Handler.HandleAsync(snsEvent, default);

        Assert.Empty(webhooks.Requests);
        Assert.Equal("""{"messages":0,"posts":0}""", System.Text.Encoding.UTF8.GetString(response));
        Assert.Contains(rig.LogLines(), l => (string?)l["event"] == "ChatRecordSkipped");
    }

    private static void AssertJson(JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected:\n{expected.ToJsonString()}\nactual:\n{actual.ToJsonString()}");

    /// <summary>The handler wired the way the function wires it: chat secret read from Secrets Manager, JSON logs captured.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly StringWriter _log = new();
        private readonly SecretsManagerLoopback _secretsManager;
        private readonly JsonLoggerFactory _loggers;
        private readonly CachedSecret<ChatWebhookSecret> _secret;
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
        private readonly Uri _base;

        private Rig(Uri webhookBase, bool slack, bool teams, int maxAttempts)
        {
            _base = webhookBase;
            var secretJson = new JsonObject();
            if (slack) secretJson["slack_webhook_url"] = new Uri(webhookBase, SlackPath).ToString();
            if (teams) secretJson["teams_webhook_url"] = new Uri(webhookBase, TeamsPath).ToString();
            _secretsManager = new SecretsManagerLoopback((id, _) => id == "prod/txetl/chat" ? secretJson.ToJsonString() : null);
            var redactor = new SecretRedactor();
            _loggers = new JsonLoggerFactory(_log, new LoggingOptions("txetl-notify-chat"), redactor);
            var logger = _loggers.CreateLogger("NotifyChat");
            _secret = new CachedSecret<ChatWebhookSecret>(_secretsManager.CreateReader(redactor, logger), "prod/txetl/chat", ChatWebhookSecret.Parse, logger);
            var options = new NotifyChatOptions("prod/txetl/chat", maxAttempts, TimeSpan.FromSeconds(5));
            Handler = new NotifyChatHandler(_secret, new ChatWebhookClient(_http, options, logger, baseDelay: TimeSpan.FromMilliseconds(20)), logger);
        }

        public NotifyChatHandler Handler { get; }

        public string Output => _log.ToString();

        public static Task<Rig> CreateAsync(LoopbackHttpServer webhooks, bool slack, bool teams, int maxAttempts = 4) =>
            Task.FromResult(new Rig(webhooks.BaseUri, slack, teams, maxAttempts));

        public static Task<Rig> CreateAsync(Uri webhookBase, bool slack, bool teams, int maxAttempts = 4) =>
            Task.FromResult(new Rig(webhookBase, slack, teams, maxAttempts));

        public List<JsonNode> LogLines() =>
            [.. Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];

        public void AssertNoSecretIn(string text)
        {
            Assert.DoesNotContain("slack-very-secret-token", text);
            Assert.DoesNotContain("teams-very-secret-sig", text);
            Assert.DoesNotContain("/services/T0000", text);
            Assert.DoesNotContain(_base.Authority + "/", text);
        }

        public async ValueTask DisposeAsync()
        {
            _secret.Dispose();
            _http.Dispose();
            _loggers.Dispose();
            await _secretsManager.DisposeAsync();
        }
    }
}
