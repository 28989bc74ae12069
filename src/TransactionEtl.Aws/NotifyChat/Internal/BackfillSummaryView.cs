using System.Globalization;

namespace TransactionEtl.Aws.NotifyChat.Internal;

/// <summary>
/// What both chat formats show for a backfill's one summary message (<c>kind: backfill_summary</c>): the files by file
/// status, the Map Run's item counts and the link to the results, or, for a failed backfill, the error.
/// </summary>
internal sealed class BackfillSummaryView
{
    /// <summary>The alert's <c>kind</c> that selects this layout.</summary>
    public const string Kind = "backfill_summary";

    private BackfillSummaryView(ChatAlert alert)
    {
        Severity = alert.Severity is "error" or "warning" or "info" ? alert.Severity : "error";
        Status = alert.Status ?? "unknown";
        PrefixUri = $"s3://{alert.Bucket}/{alert.Key}";
        Failed = Status == "backfill_failed";
        Title = (Failed ? "Backfill failed: " : "Backfill finished: ") + PrefixUri;
        FileCounts = Files(alert.Files);
        RowsLoaded = alert.Files?.RowsLoaded;
        if (alert.Files is { Total: null, Error: { } countError })
        {
            NotCounted = countError;
            NotCountedCause = AlertView.Clip(alert.Files.Cause);
        }
        MapRun = alert.Counts is { } c
            ? string.Create(CultureInfo.InvariantCulture,
                $"{c.Total ?? 0} objects: {c.Succeeded ?? 0} succeeded, {c.Failed ?? 0} failed, {c.TimedOut ?? 0} timed out, {c.Aborted ?? 0} aborted")
            : null;
        // A finished backfill's cause is the plain-text summary for e-mail subscribers; only a failed one's says what went wrong.
        Error = Failed ? alert.Error : null;
        Cause = Failed ? AlertView.Clip(alert.Cause) : null;
        ResultsUri = alert.ResultsUri;
        ResultsLink = FolderLink(alert.ResultsUri);
        ExecutionName = alert.ExecutionName;
        ExecutionLink = AlertView.HttpsLink(alert.ConsoleUrl);
        Fallback = $"TransactionEtl {Severity}: backfill of {PrefixUri} " + (Failed ? "failed" : "finished")
            + (FileCounts.Count == 0 ? "" : ": " + string.Join(", ", FileCounts.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Count} {f.Label.ToLowerInvariant()}"))))
            + (Error is null ? "" : $": {Error}");
    }

    public string Severity { get; }

    public string Status { get; }

    public string PrefixUri { get; }

    public bool Failed { get; }

    public string Title { get; }

    /// <summary>Files per file status, in the order the runbook lists them; Other only when there are any.</summary>
    public IReadOnlyList<(string Label, long Count)> FileCounts { get; }

    public long? RowsLoaded { get; }

    /// <summary>The error that kept the files from being counted by status (the Map Run's counts are still shown).</summary>
    public string? NotCounted { get; }

    public string? NotCountedCause { get; }

    public string? MapRun { get; }

    public string? Error { get; }

    public string? Cause { get; }

    public string? ResultsUri { get; }

    public string? ResultsLink { get; }

    public string? ExecutionName { get; }

    public string? ExecutionLink { get; }

    public string Fallback { get; }

    /// <summary>The view of a backfill summary; null for any other alert.</summary>
    public static BackfillSummaryView? TryCreate(ChatAlert alert) => alert.Kind == Kind ? new BackfillSummaryView(alert) : null;

    private static List<(string, long)> Files(BackfillFileCounts? f)
    {
        if (f?.Total is null)
        {
            return [];
        }
        var counts = new List<(string, long)>
        {
            ("Loaded", f.Loaded ?? 0), ("Loaded with rejects", f.LoadedWithRejects ?? 0), ("Already loaded", f.AlreadyLoaded ?? 0),
            ("Rejected", f.Rejected ?? 0), ("Failed", f.Failed ?? 0), ("Skipped folders", f.Skipped ?? 0),
        };
        if (f.Other is > 0)
        {
            counts.Add(("Other", f.Other.Value));
        }
        return counts;
    }

    /// <summary>The S3 console's folder page of the results (manifest.json and the SUCCEEDED/FAILED files beside it).</summary>
    internal static string? FolderLink(string? manifestUri)
    {
        if (manifestUri is null || !manifestUri.StartsWith("s3://", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = manifestUri["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var lastSlash = rest.LastIndexOf('/');
        if (slash <= 0 || lastSlash <= slash)
        {
            return null;
        }
        return $"https://s3.console.aws.amazon.com/s3/buckets/{Uri.EscapeDataString(rest[..slash])}?prefix={Uri.EscapeDataString(rest[(slash + 1)..(lastSlash + 1)])}";
    }
}
