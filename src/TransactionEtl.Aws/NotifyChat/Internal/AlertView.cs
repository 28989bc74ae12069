using System.Globalization;

namespace TransactionEtl.Aws.NotifyChat.Internal;

/// <summary>What both chat formats show, computed once from an alert: title, facts, reasons, links.</summary>
internal sealed class AlertView
{
    // Chat messages are read at a glance; the full list is in rejects.csv.
    internal const int TopReasons = 5;

    // Slack's section text limit is 3000 characters; a Lambda stack in the cause can exceed it.
    internal const int MaxCauseLength = 1500;

    public AlertView(ChatAlert alert)
    {
        Severity = alert.Severity is "error" or "warning" or "info" ? alert.Severity : "error";
        Status = alert.Status ?? alert.Summary?.Status ?? "unknown";
        var key = alert.Key ?? "";
        File = alert.Summary?.File ?? (key.Length == 0 ? "(unknown file)" : key[(key.LastIndexOf('/') + 1)..]);
        ObjectUri = alert.Bucket is null ? null : $"s3://{alert.Bucket}/{key}";
        Title = $"{StatusHeadline(Status)}: {File}";
        if (alert.Summary is { } s)
        {
            Rows = string.Create(CultureInfo.InvariantCulture,
                $"{s.RowsTotal ?? 0} total, {s.RowsLoaded ?? 0} loaded, {s.RowsRejected ?? 0} rejected, {s.RowsDuplicate ?? 0} duplicate")
                + Nonzero(s.RowsConflicting, "conflicting") + Nonzero(s.RowsUpdated, "updated");
            Conflicts = ConflictNote.For(s);
            Compression = s.Compression is null ? null
                : s.Compression + (s.BytesDecompressed is { } n ? string.Create(CultureInfo.InvariantCulture, $", {n} bytes decompressed") : "");
            Reasons = (s.RejectReasons ?? [])
                .OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Take(TopReasons).Select(r => (r.Key, r.Value)).ToList();
            RejectsLink = ConsoleLink(s.Reports?.RejectsCsv);
            SummaryLink = ConsoleLink(s.Reports?.SummaryJson);
        }
        Error = alert.Error;
        Cause = Clip(alert.Cause);
        ExecutionName = alert.ExecutionName;
        InputNote = alert.InputNote;
        RerunCommand = alert.Rerun;
        ExecutionLink = HttpsLink(alert.ConsoleUrl);
        Fallback = $"TransactionEtl {Severity}: {File} {Status}" + (Rows is null ? "" : $" ({Rows})") + (Error is null ? "" : $": {Error}");
    }

    public string Severity { get; }

    public string Status { get; }

    public string File { get; }

    public string? ObjectUri { get; }

    public string Title { get; }

    public string? Rows { get; }

    public IReadOnlyList<(string Code, long Count)> Reasons { get; } = [];

    /// <summary>What happened to rows that re-sent a stored key with other values, and what to do; empty when none did.</summary>
    public IReadOnlyList<string> Conflicts { get; } = [];

    /// <summary>The file's compression and decompressed size; null for an uncompressed file.</summary>
    public string? Compression { get; }

    public string? Error { get; }

    public string? Cause { get; }

    public string? ExecutionName { get; }

    public string? ExecutionLink { get; }

    /// <summary>Why the file is unknown (execution status events whose input does not name it).</summary>
    public string? InputNote { get; }

    /// <summary>The redrive command (execution status events of a failed, timed-out or aborted execution).</summary>
    public string? RerunCommand { get; }

    public string? RejectsLink { get; }

    public string? SummaryLink { get; }

    /// <summary>One line for notifications and clients that cannot render blocks or cards.</summary>
    public string Fallback { get; }

    // The correction counts are new (issue 17) and zero for most files: shown only when they say something.
    private static string Nonzero(long? count, string label) =>
        count is > 0 ? string.Create(CultureInfo.InvariantCulture, $", {count} {label}") : "";

    private static string StatusHeadline(string status) => status switch
    {
        "rejected" => "File rejected",
        "loaded_with_rejects" => "File loaded with rejected rows",
        "failed" => "Load failed",
        "timed_out" => "Load timed out",
        "aborted" => "Load aborted",
        "loaded" => "File loaded",
        "already_loaded" => "File already loaded",
        _ => "TransactionEtl alert",
    };

    /// <summary>A cause cut to <see cref="MaxCauseLength"/> characters.</summary>
    internal static string? Clip(string? cause) => cause is { Length: > MaxCauseLength } c ? c[..MaxCauseLength] + "…" : cause;

    /// <summary>The URL if it is an absolute https one (the console link from the alert); null otherwise.</summary>
    internal static string? HttpsLink(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps ? u.ToString() : null;

    /// <summary>An s3:// URI is not clickable in chat; the S3 console's object page is.</summary>
    internal static string? ConsoleLink(string? s3Uri)
    {
        if (s3Uri is null || !s3Uri.StartsWith("s3://", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = s3Uri["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return null;
        }
        var bucket = rest[..slash];
        var key = rest[(slash + 1)..];
        return $"https://s3.console.aws.amazon.com/s3/object/{Uri.EscapeDataString(bucket)}?prefix={Uri.EscapeDataString(key)}";
    }
}
