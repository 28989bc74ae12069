using System.Text.Json.Nodes;

namespace TransactionEtl.Aws.Tests.NotifyChat;

/// <summary>
/// The backfill's one summary message (<c>kind: backfill_summary</c>, statemachine/batch.asl.json's PublishSummary and
/// PublishBatchFailed) in its own layout: the files by file status, the Map Run's item counts and the results link,
/// posted to real loopback webhook listeners and read back from the bodies they received.
/// </summary>
public sealed partial class NotifyChatHandlerTests
{
    private static JsonObject BackfillSummaryMessage()
    {
        var snsEvent = JsonNode.Parse(Sample("sns-warning-backfill-summary.json"))!;
        return JsonNode.Parse((string)snsEvent["Records"]![0]!["Sns"]!["Message"]!)!.AsObject();
    }

    [Fact]
    public async Task A_backfill_summary_shows_the_files_by_file_status_the_map_run_and_the_results()
    {
        var (slack, teams) = await PostBothAsync(Sample("sns-warning-backfill-summary.json"));

        Assert.Equal(":warning: Backfill finished: s3://txetl-landing/incoming/2026-11/", (string?)slack["blocks"]![0]!["text"]!["text"]);
        string[] expected = ["Loaded\n33", "Loaded with rejects\n1", "Already loaded\n10", "Rejected\n2", "Failed\n3", "Skipped folders\n1", "Rows loaded\n3399"];
        Assert.Equal(expected.Select(e => "*" + e.Replace("\n", "*\n", StringComparison.Ordinal)),
            slack["blocks"]![1]!["fields"]!.AsArray().Select(f => (string?)f!["text"]));
        Assert.Equal(expected.Select(e => e.Split('\n')[1]), expected.Select(e => TeamsFact(teams, e.Split('\n')[0])));
        var details = (string?)slack["blocks"]![2]!["text"]!["text"];
        Assert.Equal(
            "*Map Run* 50 objects: 45 succeeded, 5 failed, 0 timed out, 0 aborted; every rejected or failed file alerted on its own.\n" +
            "*Results* `s3://txetl-landing/reports/backfill/4977ded7-b097-3bee-81e1-7863c5660f29/manifest.json`",
            details);
        Assert.Equal("50 objects: 45 succeeded, 5 failed, 0 timed out, 0 aborted", TeamsFact(teams, "Map Run"));
        // The folder of the results (manifest.json and the SUCCEEDED/FAILED files), then the execution.
        const string resultsLink = "https://s3.console.aws.amazon.com/s3/buckets/txetl-landing?prefix=reports%2Fbackfill%2F4977ded7-b097-3bee-81e1-7863c5660f29%2F";
        var buttons = slack["blocks"]![3]!["elements"]!.AsArray();
        Assert.Equal(["Map Run results", "Open execution"], buttons.Select(b => (string?)b!["text"]!["text"]));
        Assert.Equal(resultsLink, (string?)buttons[0]!["url"]);
        Assert.Equal(resultsLink, (string?)Card(teams)["actions"]![0]!["url"]);
        // No per-file layout: no Status/Rows fields, and the plain-text cause (for e-mail) is not shown as an error.
        Assert.Null(SlackField(slack, "*Status*"));
        Assert.DoesNotContain(SlackTexts(slack), t => t.Contains("*Error*", StringComparison.Ordinal));
        Assert.Equal(
            "TransactionEtl warning: backfill of s3://txetl-landing/incoming/2026-11/ finished: 33 loaded, 1 loaded with rejects, 10 already loaded, 2 rejected, 3 failed, 1 skipped folders",
            (string?)slack["text"]);
    }

    [Fact]
    public async Task A_backfill_without_failed_files_is_information_and_other_outcomes_are_shown_only_when_there_are_some()
    {
        var message = BackfillSummaryMessage();
        message["severity"] = "info";
        message["files"] = JsonNode.Parse("""{"total":3,"loaded":1,"loaded_with_rejects":0,"already_loaded":1,"rejected":0,"failed":0,"skipped":0,"other":1,"rows_loaded":10}""");

        var (slack, teams) = await PostBothAsync(SnsEvent(message.ToJsonString()));

        Assert.StartsWith(":white_check_mark: Backfill finished", (string?)slack["blocks"]![0]!["text"]!["text"]);
        Assert.Equal("Good", (string?)Card(teams)["body"]![0]!["color"]);
        Assert.Equal("*Other*\n1", SlackField(slack, "*Other*"));
        Assert.Equal("1", TeamsFact(teams, "Other"));

        message["files"]!["other"] = 0;
        (slack, teams) = await PostBothAsync(SnsEvent(message.ToJsonString()));
        Assert.Null(SlackField(slack, "*Other*"));
        Assert.Null(TeamsFact(teams, "Other"));
    }

    [Fact]
    public async Task When_the_files_could_not_be_counted_the_summary_says_why_and_still_shows_the_map_run()
    {
        var message = BackfillSummaryMessage();
        message["files"] = new JsonObject
        {
            ["Error"] = "TransactionEtl.MapRunResultsError",
            ["Cause"] = """{"errorType":"TransactionEtl.MapRunResultsError","errorMessage":"s3://txetl-landing/reports/backfill/x/manifest.json is not the ResultWriter's manifest JSON"}""",
        };

        var (slack, teams) = await PostBothAsync(SnsEvent(message.ToJsonString()));

        Assert.Null(SlackField(slack, "*Loaded*"));
        Assert.Contains(SlackTexts(slack), t => t.StartsWith("*Files not counted by status* `TransactionEtl.MapRunResultsError`\n```{", StringComparison.Ordinal));
        Assert.Contains(SlackTexts(slack), t => t.StartsWith("*Map Run* 50 objects", StringComparison.Ordinal));
        Assert.Contains("Files not counted by status: TransactionEtl.MapRunResultsError", TeamsTexts(teams));
        Assert.Equal("50 objects: 45 succeeded, 5 failed, 0 timed out, 0 aborted", TeamsFact(teams, "Map Run"));
    }

    [Fact]
    public async Task A_failed_backfill_shows_the_error_and_its_cause()
    {
        var (slack, teams) = await PostBothAsync(Sample("sns-error-backfill-failed.json"));

        Assert.Equal(":rotating_light: Backfill failed: s3://txetl-landing/incoming/2026-11/", (string?)slack["blocks"]![0]!["text"]!["text"]);
        Assert.Contains("*Error* `States.ExceedToleratedFailureThreshold`\n```The specified tolerated failure threshold was exceeded```", SlackTexts(slack));
        Assert.Contains("Error: States.ExceedToleratedFailureThreshold", TeamsTexts(teams));
        Assert.Equal("Attention", (string?)Card(teams)["body"]![0]!["color"]);
        Assert.Equal(["Open execution"], Card(teams)["actions"]!.AsArray().Select(a => (string?)a!["title"]));
    }

    [Fact]
    public async Task A_file_alert_of_the_backfill_keeps_the_file_layout()
    {
        // The per-file alerts of a backfill carry mode backfill but no kind: they look like the per-file workflow's.
        var snsEvent = JsonNode.Parse(Sample("sns-error-rejected.json"))!;
        var message = JsonNode.Parse((string)snsEvent["Records"]![0]!["Sns"]!["Message"]!)!.AsObject();
        message["mode"] = "backfill";

        var (slack, _) = await PostBothAsync(SnsEvent(message.ToJsonString()));

        Assert.StartsWith(":rotating_light: File rejected: ", (string?)slack["blocks"]![0]!["text"]!["text"]);
        Assert.NotNull(SlackField(slack, "*Status*"));
    }
}
