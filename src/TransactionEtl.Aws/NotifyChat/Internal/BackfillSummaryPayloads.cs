using System.Globalization;
using System.Text.Json;
using static TransactionEtl.Aws.NotifyChat.Internal.ChatPayloads;

namespace TransactionEtl.Aws.NotifyChat.Internal;

/// <summary>
/// The backfill summary's own layout in both chat formats: the files by file status as fields (Slack) or facts (Teams),
/// the Map Run's item counts, and buttons to the execution and the results. Built from the same helpers as
/// <see cref="ChatPayloads"/>, so escaping and card version stay the same.
/// </summary>
internal static class BackfillSummaryPayloads
{
    public static byte[] Slack(BackfillSummaryView v) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteString("text", v.Fallback);
        json.WriteStartArray("blocks");
        SlackHeader(json, v.Title, v.Severity);
        SlackCounts(json, v);
        SlackDetails(json, v);
        SlackButtons(json, Links(v));
        SlackExecution(json, v.ExecutionName);
        json.WriteEndArray();
        json.WriteEndObject();
    });

    public static byte[] Teams(BackfillSummaryView v) => TeamsCard(json => TeamsBody(json, v), Links(v));

    // Slack allows at most 10 fields in a section: 7 statuses and the rows fit.
    private static void SlackCounts(Utf8JsonWriter json, BackfillSummaryView v)
    {
        if (v.FileCounts.Count == 0)
        {
            return;
        }
        json.WriteStartObject();
        json.WriteString("type", "section");
        json.WriteStartArray("fields");
        foreach (var (label, count) in v.FileCounts)
        {
            Mrkdwn(json, string.Create(CultureInfo.InvariantCulture, $"*{label}*\n{count}"));
        }
        if (v.RowsLoaded is { } rows)
        {
            Mrkdwn(json, string.Create(CultureInfo.InvariantCulture, $"*Rows loaded*\n{rows}"));
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void SlackDetails(Utf8JsonWriter json, BackfillSummaryView v)
    {
        if (v.NotCounted is not null)
        {
            Section(json, $"*Files not counted by status* `{Escape(v.NotCounted)}`" + (v.NotCountedCause is null ? "" : $"\n```{Escape(v.NotCountedCause)}```"));
        }
        if (v.Error is not null)
        {
            Section(json, $"*Error* `{Escape(v.Error)}`" + (v.Cause is null ? "" : $"\n```{Escape(v.Cause)}```"));
        }
        var lines = new List<string>();
        if (v.MapRun is not null)
        {
            lines.Add($"*Map Run* {Escape(v.MapRun)}; every rejected or failed file alerted on its own.");
        }
        if (v.ResultsUri is not null)
        {
            lines.Add($"*Results* `{Escape(v.ResultsUri)}`");
        }
        if (lines.Count > 0)
        {
            Section(json, string.Join("\n", lines));
        }
    }

    private static void TeamsBody(Utf8JsonWriter json, BackfillSummaryView v)
    {
        TeamsTitle(json, v.Title, v.Severity);
        json.WriteStartObject();
        json.WriteString("type", "FactSet");
        json.WriteStartArray("facts");
        foreach (var (label, count) in v.FileCounts)
        {
            Fact(json, label, count.ToString(CultureInfo.InvariantCulture));
        }
        OptionalFact(json, "Rows loaded", v.RowsLoaded?.ToString(CultureInfo.InvariantCulture));
        OptionalFact(json, "Map Run", v.MapRun);
        OptionalFact(json, "Results", v.ResultsUri);
        OptionalFact(json, "Execution", v.ExecutionName);
        json.WriteEndArray();
        json.WriteEndObject();
        if (v.NotCounted is not null)
        {
            TextBlock(json, $"Files not counted by status: {v.NotCounted}", monospace: false);
            if (v.NotCountedCause is not null)
            {
                TextBlock(json, v.NotCountedCause, monospace: true);
            }
        }
        if (v.Error is not null)
        {
            TextBlock(json, $"Error: {v.Error}", monospace: false);
        }
        if (v.Cause is not null)
        {
            TextBlock(json, v.Cause, monospace: true);
        }
    }

    private static List<(string Title, string Url)> Links(BackfillSummaryView v)
    {
        var links = new List<(string, string)>();
        if (v.ResultsLink is not null) links.Add(("Map Run results", v.ResultsLink));
        if (v.ExecutionLink is not null) links.Add(("Open execution", v.ExecutionLink));
        return links;
    }
}
