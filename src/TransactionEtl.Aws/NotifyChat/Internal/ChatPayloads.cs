using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TransactionEtl.Aws.NotifyChat.Internal;

/// <summary>
/// The two chat formats, written with Utf8JsonWriter (AOT-safe, deterministic field order so tests can
/// compare exact payloads): Slack Block Kit with a <c>text</c> fallback, and a Teams Workflows message
/// carrying an Adaptive Card.
/// </summary>
internal static class ChatPayloads
{
    // A redrive restarts the execution at the failed state with the same input: the same file is loaded.
    private const string RerunLead = "redrive the execution (after fixing the cause, within 14 days):";

    public static byte[] Slack(AlertView v)
    {
        return Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("text", v.Fallback);
            json.WriteStartArray("blocks");
            SlackHeader(json, v.Title, v.Severity);
            SlackFields(json, v);
            SlackReasonsAndError(json, v);
            SlackButtons(json, Links(v));
            SlackExecution(json, v.ExecutionName);
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    public static byte[] Teams(AlertView v) => TeamsCard(json =>
    {
        TeamsTitle(json, v.Title, v.Severity);
        TeamsFacts(json, v);
        TeamsReasonsAndError(json, v);
    }, Links(v));

    /// <summary>A Teams Workflows message with one Adaptive Card 1.4: <paramref name="body"/> writes its elements.</summary>
    internal static byte[] TeamsCard(Action<Utf8JsonWriter> body, List<(string Title, string Url)> links)
    {
        return Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("type", "message");
            json.WriteStartArray("attachments");
            json.WriteStartObject();
            json.WriteString("contentType", "application/vnd.microsoft.card.adaptive");
            json.WriteNull("contentUrl");
            json.WriteStartObject("content");
            json.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            json.WriteString("type", "AdaptiveCard");
            json.WriteString("version", "1.4");
            json.WriteStartArray("body");
            body(json);
            json.WriteEndArray();
            TeamsActions(json, links);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    internal static void SlackHeader(Utf8JsonWriter json, string title, string severity)
    {
        json.WriteStartObject();
        json.WriteString("type", "header");
        PlainText(json, "text", $"{SlackEmoji(severity)} {Truncate(title, 140)}");
        json.WriteEndObject();
    }

    private static void SlackFields(Utf8JsonWriter json, AlertView v)
    {
        json.WriteStartObject();
        json.WriteString("type", "section");
        json.WriteStartArray("fields");
        Mrkdwn(json, $"*Status*\n{Escape(v.Status)}");
        Mrkdwn(json, $"*Severity*\n{Escape(v.Severity)}");
        if (v.Rows is not null)
        {
            Mrkdwn(json, $"*Rows*\n{Escape(v.Rows)}");
        }
        if (v.ObjectUri is not null)
        {
            Mrkdwn(json, $"*Object*\n`{Escape(v.ObjectUri)}`");
        }
        if (v.Compression is not null)
        {
            Mrkdwn(json, $"*Compression*\n{Escape(v.Compression)}");
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void SlackReasonsAndError(Utf8JsonWriter json, AlertView v)
    {
        if (v.Reasons.Count > 0)
        {
            Section(json, "*Top reject reasons*\n" + string.Join("\n", v.Reasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"• `{Escape(r.Code)}`: {r.Count}"))));
        }
        if (v.Conflicts.Count > 0)
        {
            Section(json, "*Re-sent transactions with changed values*\n" + string.Join("\n", v.Conflicts.Select(c => "• " + Escape(c))));
        }
        if (v.Error is not null)
        {
            Section(json, $"*Error* `{Escape(v.Error)}`" + (v.Cause is null ? "" : $"\n```{Escape(v.Cause)}```"));
        }
        if (v.InputNote is not null)
        {
            Section(json, Escape(v.InputNote));
        }
        if (v.RerunCommand is not null)
        {
            Section(json, $"*Re-run* {RerunLead}\n`{Escape(v.RerunCommand)}`");
        }
    }

    internal static void SlackButtons(Utf8JsonWriter json, List<(string Title, string Url)> links)
    {
        if (links.Count == 0)
        {
            return;
        }
        json.WriteStartObject();
        json.WriteString("type", "actions");
        json.WriteStartArray("elements");
        foreach (var (title, url) in links)
        {
            json.WriteStartObject();
            json.WriteString("type", "button");
            PlainText(json, "text", title);
            json.WriteString("url", url);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    internal static void SlackExecution(Utf8JsonWriter json, string? executionName)
    {
        if (executionName is null)
        {
            return;
        }
        json.WriteStartObject();
        json.WriteString("type", "context");
        json.WriteStartArray("elements");
        Mrkdwn(json, $"Execution `{Escape(executionName)}`");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    internal static void TeamsTitle(Utf8JsonWriter json, string title, string severity)
    {
        json.WriteStartObject();
        json.WriteString("type", "TextBlock");
        json.WriteString("text", title);
        json.WriteString("size", "Large");
        json.WriteString("weight", "Bolder");
        json.WriteString("color", severity switch { "error" => "Attention", "warning" => "Warning", _ => "Good" });
        json.WriteBoolean("wrap", true);
        json.WriteEndObject();
    }

    private static void TeamsFacts(Utf8JsonWriter json, AlertView v)
    {
        json.WriteStartObject();
        json.WriteString("type", "FactSet");
        json.WriteStartArray("facts");
        Fact(json, "Status", v.Status);
        Fact(json, "Severity", v.Severity);
        OptionalFact(json, "Rows", v.Rows);
        OptionalFact(json, "Object", v.ObjectUri);
        OptionalFact(json, "Compression", v.Compression);
        OptionalFact(json, "Execution", v.ExecutionName);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void TeamsReasonsAndError(Utf8JsonWriter json, AlertView v)
    {
        if (v.Reasons.Count > 0)
        {
            TextBlock(json, "Top reject reasons: " + string.Join(", ", v.Reasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Code} ({r.Count})"))), monospace: false);
        }
        foreach (var conflict in v.Conflicts)
        {
            TextBlock(json, conflict, monospace: false);
        }
        if (v.Error is not null)
        {
            TextBlock(json, $"Error: {v.Error}", monospace: false);
        }
        if (v.Cause is not null)
        {
            TextBlock(json, v.Cause, monospace: true);
        }
        if (v.InputNote is not null)
        {
            TextBlock(json, v.InputNote, monospace: false);
        }
        if (v.RerunCommand is not null)
        {
            TextBlock(json, $"Re-run: {RerunLead}", monospace: false);
            TextBlock(json, v.RerunCommand, monospace: true);
        }
    }

    private static void TeamsActions(Utf8JsonWriter json, List<(string Title, string Url)> links)
    {
        if (links.Count == 0)
        {
            return;
        }
        json.WriteStartArray("actions");
        foreach (var (title, url) in links)
        {
            json.WriteStartObject();
            json.WriteString("type", "Action.OpenUrl");
            json.WriteString("title", title);
            json.WriteString("url", url);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static List<(string Title, string Url)> Links(AlertView v)
    {
        var links = new List<(string, string)>();
        if (v.ExecutionLink is not null) links.Add(("Open execution", v.ExecutionLink));
        if (v.RejectsLink is not null) links.Add(("Rejected rows", v.RejectsLink));
        if (v.SummaryLink is not null) links.Add(("Summary", v.SummaryLink));
        return links;
    }

    internal static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        // Relaxed escaping keeps non-ASCII file names and backticks readable; the payload is never embedded in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(json);
        }
        return buffer.WrittenSpan.ToArray();
    }

    internal static void PlainText(Utf8JsonWriter json, string property, string text)
    {
        json.WriteStartObject(property);
        json.WriteString("type", "plain_text");
        json.WriteString("text", text);
        json.WriteBoolean("emoji", true);
        json.WriteEndObject();
    }

    internal static void Mrkdwn(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteString("type", "mrkdwn");
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    internal static void Section(Utf8JsonWriter json, string mrkdwn)
    {
        json.WriteStartObject();
        json.WriteString("type", "section");
        json.WritePropertyName("text");
        json.WriteStartObject();
        json.WriteString("type", "mrkdwn");
        json.WriteString("text", mrkdwn);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    internal static void Fact(Utf8JsonWriter json, string title, string value)
    {
        json.WriteStartObject();
        json.WriteString("title", title);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    /// <summary>A fact only when there is a value: cards show no empty rows.</summary>
    internal static void OptionalFact(Utf8JsonWriter json, string title, string? value)
    {
        if (value is not null)
        {
            Fact(json, title, value);
        }
    }

    internal static void TextBlock(Utf8JsonWriter json, string text, bool monospace)
    {
        json.WriteStartObject();
        json.WriteString("type", "TextBlock");
        json.WriteString("text", text);
        json.WriteBoolean("wrap", true);
        if (monospace)
        {
            json.WriteString("fontType", "Monospace");
        }
        json.WriteEndObject();
    }

    internal static string SlackEmoji(string severity) => severity switch
    {
        "error" => ":rotating_light:",
        "warning" => ":warning:",
        _ => ":white_check_mark:",
    };

    /// <summary>Slack mrkdwn treats &amp;, &lt; and &gt; as control characters (links, mentions); file names may hold them.</summary>
    internal static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => c.ToString() });
        }
        return sb.ToString();
    }

    internal static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
