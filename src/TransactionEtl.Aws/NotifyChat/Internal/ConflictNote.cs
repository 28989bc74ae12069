using System.Globalization;

namespace TransactionEtl.Aws.NotifyChat.Internal;

/// <summary>
/// What a chat reader must know about rows that re-send a stored key with other values (issue 17's corrections),
/// in words a finance or data user acts on: what happened to the rows and what to do next. One sentence per outcome,
/// so a file whose contract rejects, updates or skips conflicts gets only the sentence that applies.
/// </summary>
internal static class ConflictNote
{
    // The reject code of a conflict under onExistingKey: reject (docs/contracts.md); the summary counts it in
    // reject_reasons, and in rows_conflicting with the updated and skipped ones.
    internal const string KeyConflictCode = "key-conflict";

    /// <summary>The sentences for <paramref name="s"/>; empty when no row conflicted.</summary>
    public static IReadOnlyList<string> For(ChatAlertSummary s)
    {
        var conflicting = s.RowsConflicting ?? 0;
        var updated = s.RowsUpdated ?? 0;
        if (conflicting <= 0 && updated <= 0)
        {
            return [];
        }
        var rejected = Math.Min(s.RejectReasons?.GetValueOrDefault(KeyConflictCode) ?? 0, conflicting);
        var skipped = Math.Max(conflicting - updated - rejected, 0);
        var file = s.FileId is { } id ? id.ToString(CultureInfo.InvariantCulture) : "FILE_ID";
        var lines = new List<string>(3);
        if (rejected > 0)
        {
            lines.Add($"{Rows(rejected)} re-sent a transaction an earlier file loaded, with different values (key-conflict), and {Were(rejected)} not loaded: the stored values are unchanged. " +
                $"The rejected-rows report names the columns that differ and the file that stored each row. If these are corrections, export them with `txetl rejects {file} --code key-conflict --csv -o corrections.csv` " +
                "and load that file under a contract with \"onExistingKey\": \"update\" (the replaced values are kept in the table's history, `<table>_history`); if not, ask the sender why the keys repeat.");
        }
        if (updated > 0)
        {
            lines.Add($"{Count(updated, "stored transaction")} {Were(updated)} corrected by this file (onExistingKey: update): the previous values are kept in the table's history, `<table>_history`, with this file's id {file}. Check that the corrections were expected.");
        }
        if (skipped > 0)
        {
            lines.Add($"{Rows(skipped)} re-sent a transaction an earlier file loaded, with different values, and {Were(skipped)} skipped (onExistingKey: skip): the stored values were kept and the new ones are not loaded. " +
                "If they are corrections, load them under a contract with \"onExistingKey\": \"update\".");
        }
        return lines;
    }

    private static string Rows(long n) => Count(n, "row");

    private static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : Invariant($"{n} {noun}s");

    private static string Were(long n) => n == 1 ? "was" : "were";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
