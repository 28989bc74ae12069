using System.Globalization;
using System.Text;

namespace TransactionEtl.Core;

/// <summary>
/// The sentences that explain a rejected row's key, written once. <c>validate</c> and the engine format them in
/// memory; the loader finds duplicates in SQL, so it passes the same template to PostgreSQL's <c>format()</c> as a
/// parameter (<see cref="InFileDuplicateSqlFormat"/>, <see cref="DuplicateExistingSqlFormat"/>,
/// <see cref="StoredUniqueSqlFormat"/>). Either way a row reads the same in <c>txetl validate</c>, <c>txetl rejects</c>
/// and rejects.csv.
/// </summary>
public static class RowMessages
{
    // {0} the key's column names, {1} the key value, {2} the line of the row that was kept.
    private const string InFileDuplicateTemplate =
        "{0} '{1}' repeats line {2}, whose row was kept; give this row its own id or remove it.";

    // {0} the key's column names, {1} the key value, {2} and {3} the stored row's file id and line.
    private const string DuplicateExistingTemplate =
        "{0} {1} was loaded before (file {2}, line {3}); the stored row is left unchanged. " +
        "Give the row a new id if it is a different transaction.";

    // {0} the unique column, {1} the value, {2} and {3} the stored row's file id and line.
    private const string StoredUniqueTemplate =
        "{0} '{1}' is stored already (file {2}, line {3}); {0} must be unique across the table, so the row is not loaded.";

    // {0} the key's column names, {1} the key value, {2} and {3} the stored row's file id and line, {4} the differing
    // columns as "name: stored -> new", separated by "; ".
    private const string KeyConflictTemplate =
        "{0} {1} was loaded before (file {2}, line {3}) with other content: {4}. The row is not loaded; if it is a " +
        "correction, load it under a contract with x-txetl.onExistingKey \"update\", else give it a new id.";

    private const string KeyConflictSkippedTemplate =
        "{0} {1} was loaded before (file {2}, line {3}) with other content: {4}. Skipped as the contract says " +
        "(onExistingKey \"skip\"); the stored row is left unchanged.";

    private static readonly CompositeFormat InFileDuplicateFormat = CompositeFormat.Parse(InFileDuplicateTemplate);

    /// <summary>The in-file duplicate sentence for PostgreSQL's <c>format(fmt, key columns, key, first line)</c>.</summary>
    public static string InFileDuplicateSqlFormat { get; } = ToSqlFormat(InFileDuplicateTemplate);

    /// <summary>
    /// The duplicate-existing sentence for PostgreSQL's <c>format(fmt, key columns, key, file id, line)</c>; only the
    /// loader can tell that a key was stored before.
    /// </summary>
    public static string DuplicateExistingSqlFormat { get; } = ToSqlFormat(DuplicateExistingTemplate);

    /// <summary>
    /// The unique-error sentence for a value another file stored, for PostgreSQL's <c>format(fmt, column, value, file id,
    /// line)</c>; only the loader can tell.
    /// </summary>
    public static string StoredUniqueSqlFormat { get; } = ToSqlFormat(StoredUniqueTemplate);

    /// <summary>
    /// The key-conflict sentence for PostgreSQL's <c>format(fmt, key columns, key, file id, line, differences)</c>; only
    /// the loader can tell.
    /// </summary>
    public static string KeyConflictSqlFormat { get; } = ToSqlFormat(KeyConflictTemplate);

    /// <summary>As <see cref="KeyConflictSqlFormat"/>, for a conflict the contract skips.</summary>
    public static string KeyConflictSkippedSqlFormat { get; } = ToSqlFormat(KeyConflictSkippedTemplate);

    /// <summary>A later row of the file repeats the key of <paramref name="firstLine"/>, whose row is kept.</summary>
    /// <param name="keyColumns">The key's column names, comma-separated.</param>
    /// <param name="key">The key value (a composite key's parts comma-separated).</param>
    /// <param name="firstLine">The line of the row that was kept.</param>
    public static string InFileDuplicate(string keyColumns, string key, long firstLine) =>
        string.Format(CultureInfo.InvariantCulture, InFileDuplicateFormat, keyColumns, key, firstLine);

    /// <summary>"{0}" becomes "%1$s" (format()'s positional form); a literal '%' is doubled so that it stays text.</summary>
    private static string ToSqlFormat(string template)
    {
        var format = template.Replace("%", "%%", StringComparison.Ordinal);
        for (var i = 0; i < 10; i++)
        {
            format = format.Replace("{" + i.ToString(CultureInfo.InvariantCulture) + "}",
                "%" + (i + 1).ToString(CultureInfo.InvariantCulture) + "$s", StringComparison.Ordinal);
        }

        return format;
    }
}
