using System.Globalization;
using Spectre.Console;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// The one rendering of a file's outcome for people (<c>run</c>'s table, <c>watch</c>'s line, <c>report</c>'s table): every
/// count a summary has, always with the same grouping (invariant <c>N0</c>, "1,234" whatever the locale), durations in
/// seconds and rates in rows per second. JSON never passes here: it keeps raw numbers.
/// </summary>
/// <remarks>
/// Reason counts are errors, not rows: a row with two errors of different codes counts once under each, so the
/// "top errors" column is labelled as such and its sum may exceed the rejected rows.
/// </remarks>
internal static class SummaryTable
{
    /// <summary>The header of the error counts per code.</summary>
    public const string ErrorsColumn = "top errors";

    /// <summary>
    /// <c>run</c>'s table: a row per file, with <paramref name="border"/> (<see cref="CliEnvironment.TableBorder"/>). The
    /// conflicting, updated and blank-lines columns appear only when a file had some.
    /// </summary>
    public static Table ForSummaries(IReadOnlyList<FileSummary> summaries, TableBorder border)
    {
        var shown = new OptionalCounts(
            summaries.Any(s => s.RowsConflicting > 0), summaries.Any(s => s.RowsUpdated > 0), summaries.Any(s => s.BlankLines > 0));
        var table = new Table { Border = border }.AddColumns(["file", "file id", "status", .. CountColumns(shown), ErrorsColumn, "duration", "rows/s"]);
        foreach (var s in summaries)
        {
            table.AddRow([
                Visible.Markup(s.File),
                Id(s.FileId),
                StatusMarkup(s.Status),
                .. Counts(shown, [s.RowsTotal, s.RowsLoaded, s.RowsRejected, s.RowsDuplicate], s.RowsConflicting, s.RowsUpdated, s.BlankLines, s.Warnings.Count),
                Visible.Markup(TopReasons(s.RejectReasons)),
                Duration(s.DurationMs),
                s.RowsTotal == 0 ? "" : Count((long)(s.RowsTotal / Seconds(s.DurationMs))),
            ]);
        }

        return table;
    }

    /// <summary><c>report</c>'s table, with <paramref name="border"/>: a row per ledger row, newest first; counts of an <c>already_loaded</c> submission are 0.</summary>
    public static Table ForLedger(IReadOnlyList<LedgerEntry> entries, TableBorder border)
    {
        var optional = new OptionalCounts(
            entries.Any(e => e.RowsConflicting > 0), entries.Any(e => e.RowsUpdated > 0), entries.Any(e => e.BlankLines > 0));
        var table = new Table { Border = border }.AddColumns(
            ["file id", "source", "status", .. CountColumns(optional), "attempt", "started (UTC)", "finished (UTC)", "note"]);
        foreach (var e in entries)
        {
            var shown = ShownCounts(e);
            table.AddRow([
                Id(e.FileId),
                Visible.Markup(e.SourceUri),
                Visible.Markup(e.Status),
                .. Counts(optional, [shown.RowsTotal, shown.RowsLoaded, shown.RowsRejected, shown.RowsDuplicate],
                    shown.RowsConflicting, shown.RowsUpdated, shown.BlankLines, shown.Warnings.Count),
                e.Attempt.ToString(CultureInfo.InvariantCulture),
                Timestamp(e.StartedAt),
                e.FinishedAt is { } finished ? Timestamp(finished) : "",
                Visible.Markup(Note(e)),
            ]);
        }

        return table;
    }

    /// <summary>
    /// The counts <c>report</c> shows for a ledger row: an <c>already_loaded</c> submission loaded nothing, so its counts
    /// are 0 as in <c>run</c>'s summary (the ledger leaves them null); other rows as stored (null while loading or failed).
    /// </summary>
    public static LedgerEntry ShownCounts(LedgerEntry entry) => entry.Status == FileStatus.AlreadyLoaded
        ? entry with
        {
            RowsTotal = entry.RowsTotal ?? 0, RowsLoaded = entry.RowsLoaded ?? 0, RowsRejected = entry.RowsRejected ?? 0,
            RowsDuplicate = entry.RowsDuplicate ?? 0, RowsConflicting = entry.RowsConflicting ?? 0, RowsUpdated = entry.RowsUpdated ?? 0,
            BlankLines = entry.BlankLines ?? 0,
        }
        : entry;

    /// <summary>"300 rows, 292 loaded, 8 rejected, 0 duplicate" plus blank lines and warnings when there are any: <c>watch</c>'s line.</summary>
    public static string CountsText(FileSummary s) =>
        $"{Count(s.RowsTotal)} rows, {Count(s.RowsLoaded)} loaded, {Count(s.RowsRejected)} rejected, {Count(s.RowsDuplicate)} duplicate" +
        (s.RowsConflicting > 0 ? $", {Count(s.RowsConflicting)} conflicting" : "") +
        (s.RowsUpdated > 0 ? $", {Count(s.RowsUpdated)} updated" : "") +
        (s.BlankLines > 0 ? $", {Count(s.BlankLines)} blank line(s)" : "") +
        (s.Warnings.Count > 0 ? $", {Count(s.Warnings.Count)} warning(s)" : "");

    /// <summary>Each warning of each summary on <paramref name="error"/>, prefixed with its file, as <c>validate</c> shows them.</summary>
    public static void WriteWarnings(TextWriter error, IEnumerable<FileSummary> summaries)
    {
        foreach (var s in summaries)
        {
            foreach (var warning in s.Warnings)
            {
                error.WriteLine(Visible.Text($"{s.File}: warning: {warning}"));
            }
        }
    }

    /// <summary>"type-error 3, no-tax-rule 2": the most frequent error codes first, with how many errors each.</summary>
    public static string TopReasons(IReadOnlyDictionary<string, long> reasons, int count = 3) =>
        string.Join(", ", reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Take(count).Select(r => $"{r.Key} {Count(r.Value)}"));

    /// <summary>A count as people read it: "1,234" in every locale.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A duration in seconds with two decimals: "0.46 s".</summary>
    public static string Duration(long milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000.0:N2} s");

    private static string[] CountColumns(OptionalCounts shown) =>
    [
        "rows", "loaded", "rejected", "duplicate",
        .. shown.Conflicting ? ["conflicting"] : Array.Empty<string>(),
        .. shown.Updated ? ["updated"] : Array.Empty<string>(),
        .. shown.Blank ? ["blank lines"] : Array.Empty<string>(),
        "warnings",
    ];

    /// <summary>The four counts every table has, then the optional ones <paramref name="shown"/> has columns for, then warnings.</summary>
    private static string[] Counts(OptionalCounts shown, long?[] always, long? conflicting, long? updated, long? blank, long warnings) =>
    [
        .. always.Select(Count),
        .. shown.Conflicting ? [Count(conflicting)] : Array.Empty<string>(),
        .. shown.Updated ? [Count(updated)] : Array.Empty<string>(),
        .. shown.Blank ? [Count(blank)] : Array.Empty<string>(),
        Count(warnings),
    ];

    /// <summary>Which of the counts shown only when some file has them get a column: like blank lines, the corrections' counts.</summary>
    private readonly record struct OptionalCounts(bool Conflicting, bool Updated, bool Blank);

    private static string Count(long? value) => value is { } v ? Count(v) : "";

    private static string Id(long? fileId) => fileId?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static double Seconds(long milliseconds) => Math.Max(milliseconds, 1) / 1000.0;

    private static string Timestamp(DateTime value) => value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Note(LedgerEntry e) =>
        e.DuplicateOf is { } original ? $"same content as file {original}"
        : e.Error is { } error ? (error.Length > 80 ? error[..77] + "..." : error)
        : e.RejectReasons.Count > 0 ? "errors: " + TopReasons(e.RejectReasons)
        : "";

    private static string StatusMarkup(string status) => status switch
    {
        FileStatus.Loaded => "[green]loaded[/]",
        FileStatus.LoadedWithRejects => "[yellow]loaded_with_rejects[/]",
        FileStatus.AlreadyLoaded => "[blue]already_loaded[/]",
        FileStatus.Rejected => "[red]rejected[/]",
        _ => "[red bold]" + Visible.Markup(status) + "[/]",
    };
}
