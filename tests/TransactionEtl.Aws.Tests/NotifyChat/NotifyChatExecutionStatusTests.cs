using System.Text;
using System.Text.Json.Nodes;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.NotifyChat;

/// <summary>
/// The EventBridge "Step Functions Execution Status Change" event that the failure rule publishes whole to the
/// alerts topic: failures the state machine does not catch, which an operator re-runs with a redrive.
/// </summary>
public sealed partial class NotifyChatHandlerTests
{
    private const string SampleArn = "arn:aws:states:eu-central-1:123456789012:execution:txetl-dev-etl:transactions_2026-11-26_eu_csv-9f86d081884c7d65a0c3e1b2d4f60718";
    private const string AwsSampleArn = "arn:aws:states:us-east-1:012345678912:execution:state-machine-name:execution-name";

    /// <summary>The SNS event of samples/events/sns-execution-failed.json with its EventBridge event changed by <paramref name="edit"/>.</summary>
    private static byte[] StatusEvent(Action<JsonObject>? edit = null) => WithMessage(Sample("sns-execution-failed.json"), edit);

    /// <summary><paramref name="snsEvent"/> with its message (an EventBridge event, published whole, no transformer) changed by <paramref name="edit"/>.</summary>
    private static byte[] WithMessage(byte[] snsEvent, Action<JsonObject>? edit)
    {
        var sns = JsonNode.Parse(snsEvent)!;
        var message = JsonNode.Parse((string)sns["Records"]![0]!["Sns"]!["Message"]!)!.AsObject();
        edit?.Invoke(message);
        sns["Records"]![0]!["Sns"]!["Message"] = message.ToJsonString();
        return Encoding.UTF8.GetBytes(sns.ToJsonString());
    }

    /// <summary>
    /// The "Execution Failed" example event as the AWS Step Functions developer guide publishes it (EventBridge
    /// events for execution status changes; awsdocs/aws-step-functions-developer-guide, doc_source/cw-events.md),
    /// unchanged, delivered through SNS: its input <c>{}</c> names no file and it has no error or cause.
    /// </summary>
    private static byte[] PublishedAwsSample()
    {
        var published = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "NotifyChat", "aws-sample-execution-failed.json"));
        return WithMessage(Sample("sns-execution-failed.json"), m =>
        {
            m.Clear();
            foreach (var (name, value) in JsonNode.Parse(published)!.AsObject().ToList())
            {
                m[name] = value?.DeepClone();
            }
        });
    }

    private static async Task<(JsonNode Slack, JsonNode Teams)> PostBothAsync(byte[] snsEvent)
    {
        await using var webhooks = new LoopbackHttpServer((_, _) => new LoopbackResponse(200, "ok"));
        await using var rig = await Rig.CreateAsync(webhooks, slack: true, teams: true);
        var response = await rig.Handler.HandleAsync(snsEvent, default);
        Assert.Equal("""{"messages":1,"posts":2}""", Encoding.UTF8.GetString(response));
        return (JsonNode.Parse(Assert.Single(webhooks.Requests, r => r.PathAndQuery == SlackPath).Body)!,
                JsonNode.Parse(Assert.Single(webhooks.Requests, r => r.PathAndQuery == TeamsPath).Body)!);
    }

    private static List<string> SlackTexts(JsonNode slack) =>
        [.. slack["blocks"]!.AsArray().Select(b => (string?)b!["text"]?["text"]).OfType<string>()];

    private static List<string> TeamsTexts(JsonNode teams) =>
        [.. teams["attachments"]![0]!["content"]!["body"]!.AsArray().Select(b => (string?)b!["text"]).OfType<string>()];

    [Fact]
    public async Task A_failed_execution_becomes_an_error_alert_naming_the_file_the_error_and_the_redrive()
    {
        var (slack, teams) = await PostBothAsync(StatusEvent());

        Assert.Equal(":rotating_light: Load failed: transactions 2026-11-26+eu.csv", (string?)slack["blocks"]![0]!["text"]!["text"]);
        var fields = slack["blocks"]![1]!["fields"]!.AsArray().Select(f => (string?)f!["text"]).ToList();
        Assert.Equal(["*Status*\nfailed", "*Severity*\nerror", "*Object*\n`s3://txetl-landing/incoming/2026/11/transactions 2026-11-26+eu.csv`"], fields);
        var texts = SlackTexts(slack);
        Assert.Contains(texts, t => t.StartsWith("*Error* `TransactionEtl.TransientError`\n```{\"errorType\":\"TransactionEtl.TransientError\"", StringComparison.Ordinal));
        Assert.Contains($"*Re-run* redrive the execution (after fixing the cause, within 14 days):\n`aws stepfunctions redrive-execution --execution-arn {SampleArn}`", texts);
        var console = $"https://eu-central-1.console.aws.amazon.com/states/home?region=eu-central-1#/v2/executions/details/{SampleArn}";
        Assert.Equal(console, (string?)slack["blocks"]!.AsArray().Single(b => (string?)b!["type"] == "actions")!["elements"]![0]!["url"]);
        Assert.Contains("Execution `transactions_2026-11-26_eu_csv-9f86d081884c7d65a0c3e1b2d4f60718`",
            (string?)slack["blocks"]!.AsArray().Last()!["elements"]![0]!["text"]);

        var card = teams["attachments"]![0]!["content"]!;
        Assert.Equal("Load failed: transactions 2026-11-26+eu.csv", TeamsTexts(teams)[0]);
        Assert.Equal("Attention", (string?)card["body"]![0]!["color"]);
        Assert.Contains($"aws stepfunctions redrive-execution --execution-arn {SampleArn}", TeamsTexts(teams));
        Assert.Equal(console, (string?)card["actions"]![0]!["url"]);
    }

    [Fact]
    public async Task The_published_AWS_sample_alerts_with_an_unknown_file_and_says_how_to_find_and_rerun_it()
    {
        var (slack, teams) = await PostBothAsync(PublishedAwsSample());

        Assert.Equal(":rotating_light: Load failed: (unknown file)", (string?)slack["blocks"]![0]!["text"]!["text"]);
        var texts = SlackTexts(slack);
        Assert.Contains($"File unknown: the execution input names no key; the execution's input names it: aws stepfunctions describe-execution --execution-arn {AwsSampleArn}", texts);
        Assert.Contains(texts, t => t.EndsWith($"`aws stepfunctions redrive-execution --execution-arn {AwsSampleArn}`", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.StartsWith("*Error*", StringComparison.Ordinal));
        Assert.Equal($"https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/{AwsSampleArn}",
            (string?)teams["attachments"]![0]!["content"]!["actions"]![0]!["url"]);
        Assert.Contains("Execution", teams["attachments"]![0]!["content"]!["body"]![1]!["facts"]!.AsArray().Select(f => (string?)f!["title"]));
    }

    [Theory]
    [InlineData("TIMED_OUT", "Load timed out", "timed_out")]
    [InlineData("ABORTED", "Load aborted", "aborted")]
    [InlineData("FAILED", "Load failed", "failed")]
    public async Task Every_redrivable_status_is_an_error_with_its_lower_case_status(string status, string headline, string shown)
    {
        var (slack, teams) = await PostBothAsync(StatusEvent(m => m["detail"]!["status"] = status));

        Assert.Equal($":rotating_light: {headline}: transactions 2026-11-26+eu.csv", (string?)slack["blocks"]![0]!["text"]!["text"]);
        Assert.Equal($"*Status*\n{shown}", (string?)slack["blocks"]![1]!["fields"]![0]!["text"]);
        Assert.Contains($"aws stepfunctions redrive-execution --execution-arn {SampleArn}", TeamsTexts(teams));
    }

    [Theory]
    [InlineData("null-not-included", "File unknown: the event does not include the execution input (too large for the event)")]
    [InlineData("absent", "File unknown: the event carries no execution input")]
    [InlineData("truncated", "File unknown: the execution input in the event is not complete JSON (truncated)")]
    [InlineData("no-key", "File unknown: the execution input names no key")]
    public async Task An_input_that_does_not_name_the_file_is_said_so(string input, string note)
    {
        var (slack, teams) = await PostBothAsync(StatusEvent(m =>
        {
            var detail = m["detail"]!.AsObject();
            switch (input)
            {
                case "null-not-included": detail["input"] = null; detail["inputDetails"] = new JsonObject { ["included"] = false }; break;
                case "absent": detail.Remove("input"); detail.Remove("inputDetails"); break;
                case "truncated": detail["input"] = """{"bucket":"txetl-landing","key":"incoming/2026/1"""; break;
                default: detail["input"] = """{"bucket":"txetl-landing"}"""; break;
            }
        }));

        Assert.Equal(":rotating_light: Load failed: (unknown file)", (string?)slack["blocks"]![0]!["text"]!["text"]);
        Assert.DoesNotContain(slack["blocks"]![1]!["fields"]!.AsArray(), f => ((string?)f!["text"])!.StartsWith("*Object*", StringComparison.Ordinal));
        var expected = $"{note}; the execution's input names it: aws stepfunctions describe-execution --execution-arn {SampleArn}";
        Assert.Contains(expected, SlackTexts(slack));
        Assert.Contains(expected, TeamsTexts(teams));
        Assert.Contains($"aws stepfunctions redrive-execution --execution-arn {SampleArn}", TeamsTexts(teams));
    }

    [Fact]
    public async Task A_succeeded_execution_is_information_without_a_rerun()
    {
        var (slack, teams) = await PostBothAsync(StatusEvent(m =>
        {
            m["detail"]!["status"] = "SUCCEEDED";
            m["detail"]!.AsObject().Remove("error");
            m["detail"]!.AsObject().Remove("cause");
        }));

        Assert.Equal("*Severity*\ninfo", (string?)slack["blocks"]![1]!["fields"]![1]!["text"]);
        Assert.DoesNotContain(SlackTexts(slack), t => t.Contains("redrive", StringComparison.Ordinal));
        Assert.DoesNotContain(TeamsTexts(teams), t => t.Contains("redrive", StringComparison.Ordinal));
    }

    /// <summary>
    /// The Adaptive Card stays within what Teams renders for version 1.4: only TextBlock and FactSet in the body,
    /// only Action.OpenUrl actions, and only the properties those elements define.
    /// </summary>
    [Fact]
    public async Task The_Teams_card_of_a_status_event_uses_only_card_1_4_elements_and_properties()
    {
        var (_, teams) = await PostBothAsync(StatusEvent(m => m["detail"]!["input"] = "{\"key\":\"x"));

        var card = teams["attachments"]![0]!["content"]!.AsObject();
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.4", (string?)card["version"]);
        Assert.Subset(new HashSet<string> { "$schema", "type", "version", "body", "actions" }, card.Select(p => p.Key).ToHashSet());
        foreach (var element in card["body"]!.AsArray().Select(e => e!.AsObject()))
        {
            var allowed = (string?)element["type"] switch
            {
                "TextBlock" => new HashSet<string> { "type", "text", "size", "weight", "color", "wrap", "fontType" },
                "FactSet" => ["type", "facts"],
                var other => throw new Xunit.Sdk.XunitException($"unexpected element {other}"),
            };
            Assert.Subset(allowed, element.Select(p => p.Key).ToHashSet());
            Assert.All(element.Where(p => p.Key == "text"), p => Assert.False(string.IsNullOrEmpty((string?)p.Value)));
        }
        Assert.All(card["actions"]!.AsArray(), a => Assert.Equal("Action.OpenUrl", (string?)a!["type"]));
    }
}
