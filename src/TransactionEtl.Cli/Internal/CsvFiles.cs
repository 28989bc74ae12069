namespace TransactionEtl.Cli.Internal;

/// <summary>
/// The CSV files directly in a directory, for <c>run DIR</c> and <c>watch DIR</c>: names ending in <c>.csv</c>, or in
/// <c>.csv.gz</c>, <c>.csv.zst</c> or <c>.csv.bz2</c> for compressed ones, in any case (<c>X.CSV</c> from
/// a Windows export too), in ordinal name order. The one place that decides what counts as a CSV file name, so a
/// directory run and watch never disagree. The name only picks files; how one is read (plain or compressed) is
/// decided by its first bytes.
/// </summary>
internal static class CsvFiles
{
    /// <summary>The name endings picked from a directory, compared ignoring case.</summary>
    public static readonly string[] Suffixes = [".csv", ".csv.gz", ".csv.zst", ".csv.bz2"];

    /// <summary>
    /// Case-insensitive, unlike the default on Linux. Everything else as <c>EnumerateFiles(dir, "*.csv")</c> was:
    /// dot-files listed (watch leaves them out itself), an unreadable entry an error rather than silently skipped.
    /// </summary>
    private static readonly EnumerationOptions AnyCase = new()
    {
        MatchCasing = MatchCasing.CaseInsensitive,
        MatchType = MatchType.Simple,
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
    };

    /// <summary>The ending of ZIP archives, picked too where <c>In</c> is asked for archives (<c>run</c>).</summary>
    public const string ArchiveSuffix = ".zip";

    /// <summary>
    /// Full paths of the CSV files in <paramref name="directory"/>, in ordinal name order; with
    /// <paramref name="archives"/>, <c>*.zip</c> too (whose CSV members <c>run</c> loads; <c>watch</c> does not yet).
    /// </summary>
    public static List<string> In(string directory, bool archives = false) =>
        Directory.EnumerateFiles(directory, "*", AnyCase)
            .Where(path => Suffixes.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase))
                || (archives && path.EndsWith(ArchiveSuffix, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .ToList();
}
