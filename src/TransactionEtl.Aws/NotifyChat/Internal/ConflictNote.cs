using System.Globalization;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.NotifyChat.Internal;

/// <summary>
/// What a chat reader must know about rows that re-send a stored key with other values (issue 17's corrections),
/// in words a finance or data user acts on: what happened to the rows and what to do next. One sentence per outcome,
/// so a file whose contract rejects, updates or skips conflicts gets only the sentence that applies.
/// </summary>
internal static class ConflictNote
{
    /// <summary>The sentences for <paramref name="s"/>; empty when no row conflicted.</summary>
    public static IReadOnlyList<string> For(ChatAlertSummary s)
    {
        var conflicting = s.RowsConflicting ?? 0;
        var updated = s.RowsUpdated ?? 0;
        if (conflicting <= 0 && updated <= 0)
        {
            return [];
        }
        // Only rejected conflicts are in reject_reasons (FileSummary.From); skipped ones are counted in rows_conflicting
        // alone, and an update the loader did not apply (the file rejected as a whole) is in neither rows_updated nor
        // rows_loaded. So the rest of rows_conflicting was skipped on a loaded file and left unapplied on a rejected one.
        var rejected = Math.Min(s.RejectReasons?.GetValueOrDefault(FileErrorCodes.KeyConflict) ?? 0, conflicting);
        var rest = Math.Max(conflicting - updated - rejected, 0);
        var fileRejected = s.Status == FileStatus.Rejected;
        var file = s.FileId is { } id ? id.ToString(CultureInfo.InvariantCulture) : "FILE_ID";
        var lines = new List<string>(3);
        if (rejected > 0)
        {
            lines.Add($"{Rows(rejected)} re-sent a transaction an earlier file loaded, with different values ({FileErrorCodes.KeyConflict}), and {Were(rejected)} not loaded: the stored values are unchanged. " +
                $"The rejected-rows report names the columns that differ (stored -> new) and the file and line that stored each row. If these are corrections, export them with `txetl rejects {file} --code {FileErrorCodes.KeyConflict} --csv -o corrections.csv` " +
                "and load that file under a contract with \"onExistingKey\": \"update\" (the replaced values are kept in the table's history, `<table>_history`); if not, ask the sender why the keys repeat.");
        }
        if (updated > 0)
        {
            lines.Add($"{Count(updated, "stored transaction")} {Were(updated)} corrected by this file (onExistingKey: update): the previous values are kept in the table's history, `<table>_history`, with this file's id {file}. Check that the corrections were expected.");
        }
        if (rest > 0 && fileRejected)
        {
            lines.Add($"{Rows(rest)} re-sent a transaction an earlier file loaded, with different values, but the file was rejected as a whole, so none of them changed a stored row (nothing was updated). " +
                "Fix the file's other rejected rows and send it again.");
        }
        else if (rest > 0)
        {
            lines.Add($"{Rows(rest)} re-sent a transaction an earlier file loaded, with different values, and {Were(rest)} skipped (onExistingKey: skip): the stored values were kept and the new ones are not loaded. " +
                $"They are listed with the file's rejected rows (`txetl rejects {file} --code {FileErrorCodes.KeyConflictSkipped}`); if they are corrections, load them under a contract with \"onExistingKey\": \"update\".");
        }
        return lines;
    }

    private static string Rows(long n) => Count(n, "row");

    private static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : Invariant($"{n} {noun}s");

    private static string Were(long n) => n == 1 ? "was" : "were";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
