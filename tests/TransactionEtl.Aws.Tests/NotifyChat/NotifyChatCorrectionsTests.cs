using System.Text.Json.Nodes;

namespace TransactionEtl.Aws.Tests.NotifyChat;

/// <summary>
/// Issue 17's correction counts in the chat alert: rows that re-send a stored key with other values (rows_conflicting)
/// and the stored rows they replaced (rows_updated), with the compression of the file, posted to real loopback webhook
/// listeners and read back from the bodies they received.
/// </summary>
public sealed partial class NotifyChatHandlerTests
{
    [Fact]
    public async Task Key_conflicts_rejected_by_default_are_counted_and_say_how_to_load_them_as_corrections()
    {
        var (slack, teams) = await PostBothAsync(Sample("sns-warning-key-conflicts.json"));

        Assert.Equal("*Rows*\n1000 total, 990 loaded, 10 rejected, 0 duplicate, 10 conflicting", SlackField(slack, "*Rows*"));
        Assert.Equal("1000 total, 990 loaded, 10 rejected, 0 duplicate, 10 conflicting", TeamsFact(teams, "Rows"));
        var note = SlackSection(slack, "*Re-sent transactions with changed values*");
        Assert.Contains("10 rows re-sent a transaction an earlier file loaded, with different values (key-conflict), and were not loaded", note);
        Assert.Contains("`txetl rejects 43 --code key-conflict --csv -o corrections.csv`", note);
        Assert.Contains("\"onExistingKey\": \"update\"", note);
        Assert.DoesNotContain("corrected by this file", note);
        Assert.DoesNotContain("skipped", note);
        Assert.Contains(TeamsTexts(teams), t => t.StartsWith("10 rows re-sent a transaction", StringComparison.Ordinal) && t.Contains("txetl rejects 43 --code key-conflict", StringComparison.Ordinal));
        // The reject code is listed too, like any other reason.
        Assert.Contains("• `key-conflict`: 10", SlackSection(slack, "*Top reject reasons*"));
        Assert.Contains("10 conflicting", (string?)slack["text"]);
    }

    [Fact]
    public async Task Applied_corrections_are_counted_point_to_the_history_table_and_show_the_compression()
    {
        var (slack, teams) = await PostBothAsync(Sample("sns-info-corrections-updated.json"));

        Assert.Equal("*Rows*\n10 total, 10 loaded, 0 rejected, 0 duplicate, 10 conflicting, 10 updated", SlackField(slack, "*Rows*"));
        Assert.Equal("*Compression*\ngzip, 1186 bytes decompressed", SlackField(slack, "*Compression*"));
        Assert.Equal("gzip, 1186 bytes decompressed", TeamsFact(teams, "Compression"));
        var note = SlackSection(slack, "*Re-sent transactions with changed values*");
        Assert.Equal(
            "*Re-sent transactions with changed values*\n• 10 stored transactions were corrected by this file (onExistingKey: update): the previous values are kept in the table's history, `&lt;table&gt;_history`, with this file's id 44. Check that the corrections were expected.",
            note); // Slack's mrkdwn needs < and > escaped
        Assert.Contains(TeamsTexts(teams), t => t.StartsWith("10 stored transactions were corrected by this file", StringComparison.Ordinal));
        Assert.Null(SlackSectionOrNull(slack, "*Top reject reasons*"));
    }

    [Fact]
    public async Task Skipped_conflicts_say_the_new_values_were_not_loaded()
    {
        var alert = new JsonObject
        {
            ["severity"] = "info", ["status"] = "loaded", ["bucket"] = "txetl-landing", ["key"] = "incoming/resend.csv",
            ["summary"] = new JsonObject
            {
                ["file"] = "resend.csv", ["file_id"] = 45, ["status"] = "loaded", ["rows_total"] = 4, ["rows_loaded"] = 1, ["rows_rejected"] = 0,
                ["rows_duplicate"] = 0, ["rows_conflicting"] = 3, ["rows_updated"] = 0, ["reject_reasons"] = new JsonObject(),
            },
        };

        var (slack, teams) = await PostBothAsync(SnsEvent(alert.ToJsonString()));

        Assert.Equal("*Rows*\n4 total, 1 loaded, 0 rejected, 0 duplicate, 3 conflicting", SlackField(slack, "*Rows*"));
        var note = SlackSection(slack, "*Re-sent transactions with changed values*");
        Assert.Contains("3 rows re-sent a transaction an earlier file loaded, with different values, and were skipped (onExistingKey: skip)", note);
        Assert.DoesNotContain("(key-conflict)", note);
        Assert.Contains("`txetl rejects 45 --code key-conflict-skipped`", note);
        Assert.Contains(TeamsTexts(teams), t => t.Contains("were skipped (onExistingKey: skip)", StringComparison.Ordinal));
        Assert.Null(SlackField(slack, "*Compression*"));
        Assert.Null(TeamsFact(teams, "Compression"));
    }

    [Fact]
    public async Task Corrections_of_a_file_rejected_as_a_whole_say_nothing_was_updated_not_that_they_were_skipped()
    {
        // onExistingKey update, but other rejects took the file past its reject ratio: the loader applied no update
        // (rows_updated 0) yet counts the conflicts in rows_conflicting.
        var alert = new JsonObject
        {
            ["severity"] = "error", ["status"] = "rejected", ["bucket"] = "txetl-landing", ["key"] = "incoming/corrections/day2.csv",
            ["summary"] = new JsonObject
            {
                ["file"] = "day2.csv", ["file_id"] = 46, ["status"] = "rejected", ["rows_total"] = 10, ["rows_loaded"] = 0, ["rows_rejected"] = 4,
                ["rows_duplicate"] = 0, ["rows_conflicting"] = 6, ["rows_updated"] = 0,
                ["reject_reasons"] = new JsonObject { ["type-error"] = 4, ["too-many-rejects"] = 1 },
            },
        };

        var (slack, teams) = await PostBothAsync(SnsEvent(alert.ToJsonString()));

        var note = SlackSection(slack, "*Re-sent transactions with changed values*");
        Assert.Contains("6 rows re-sent a transaction an earlier file loaded, with different values, but the file was rejected as a whole", note);
        Assert.DoesNotContain("skipped", note);
        Assert.Contains(TeamsTexts(teams), t => t.Contains("nothing was updated", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sns-warning-loaded-with-rejects.json")]
    [InlineData("sns-info-loaded.json")]
    public async Task A_file_without_conflicts_shows_no_correction_counts(string sample)
    {
        var (slack, teams) = await PostBothAsync(Sample(sample));

        Assert.DoesNotContain("conflicting", SlackField(slack, "*Rows*"));
        Assert.DoesNotContain("updated", TeamsFact(teams, "Rows"));
        Assert.Null(SlackSectionOrNull(slack, "*Re-sent transactions with changed values*"));
    }

    private static byte[] SnsEvent(string message) =>
        System.Text.Encoding.UTF8.GetBytes(new JsonObject
        {
            ["Records"] = new JsonArray(new JsonObject { ["Sns"] = new JsonObject { ["MessageId"] = "m-corrections", ["Message"] = message } }),
        }.ToJsonString());

    private static string? SlackField(JsonNode slack, string title) =>
        slack["blocks"]!.AsArray().Where(b => b!["fields"] is not null).SelectMany(b => b!["fields"]!.AsArray())
            .Select(f => (string?)f!["text"]).FirstOrDefault(t => t!.StartsWith(title + "\n", StringComparison.Ordinal));

    private static string? SlackSectionOrNull(JsonNode slack, string heading) =>
        slack["blocks"]!.AsArray().Select(b => (string?)b!["text"]?["text"])
            .FirstOrDefault(t => t is not null && t.StartsWith(heading + "\n", StringComparison.Ordinal));

    private static string SlackSection(JsonNode slack, string heading) =>
        SlackSectionOrNull(slack, heading) ?? throw new Xunit.Sdk.XunitException($"no section {heading} in {slack.ToJsonString()}");

    private static JsonNode Card(JsonNode teams)
    {
        var card = teams["attachments"]![0]!["content"]!;
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        return card;
    }

    private static string? TeamsFact(JsonNode teams, string title) =>
        Card(teams)["body"]!.AsArray().Where(e => (string?)e!["type"] == "FactSet").SelectMany(e => e!["facts"]!.AsArray())
            .Where(f => (string?)f!["title"] == title).Select(f => (string?)f!["value"]).FirstOrDefault();
}
