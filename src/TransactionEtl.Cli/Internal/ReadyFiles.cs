namespace TransactionEtl.Cli.Internal;

/// <summary>
/// Decides, at each look of <c>watch</c>, which files of its directory are completely written and may be loaded. A file
/// is ready when all of these hold:
/// <list type="number">
/// <item>its name ends in <c>.csv</c>, in any case (<see cref="CsvFiles"/>), and does not start with a dot: a writer may write <c>x.csv.part</c> or
/// <c>.x.csv</c> and rename it when done;</item>
/// <item>with markers on, <c>x.csv.done</c> exists;</item>
/// <item>its size and last write time have not changed for the quiet period, and two looks saw them;</item>
/// <item>no process has it open for writing (<see cref="OpenWriterScan"/>).</item>
/// </list>
/// </summary>
internal sealed class ReadyFiles(string directory, TimeSpan quietPeriod, bool markers, TimeProvider time, OpenWriterScan writers)
{
    /// <summary>The suffix of a marker file: <c>x.csv.done</c> says that <c>x.csv</c> is complete.</summary>
    public const string MarkerSuffix = ".done";

    /// <summary>path -> its stamp at the last look and since when it has had it.</summary>
    private readonly Dictionary<string, (FileStamp Stamp, DateTimeOffset Since)> _seen = new(StringComparer.Ordinal);

    /// <summary>One look: the ready files, in ordinal name order.</summary>
    public IReadOnlyList<string> Look()
    {
        var now = time.GetUtcNow();
        var current = CsvFiles.In(directory).Where(path => !Path.GetFileName(path).StartsWith('.')).ToList();
        var settled = new List<string>();
        foreach (var path in current)
        {
            var stamp = FileStamp.Of(path);
            if (!_seen.TryGetValue(path, out var seen) || seen.Stamp != stamp)
            {
                _seen[path] = (stamp, now);
                continue; // new, or written since the last look
            }

            if (now - seen.Since >= quietPeriod && (!markers || File.Exists(path + MarkerSuffix)))
            {
                settled.Add(path);
            }
        }

        foreach (var gone in _seen.Keys.Except(current, StringComparer.Ordinal).ToList())
        {
            _seen.Remove(gone);
        }

        var open = writers.FindOpenForWriting(settled);
        return settled.Where(path => !open.Contains(path)).ToList();
    }

    /// <summary>Forgets a file once it was loaded (and moved away) so that a new file of that name starts afresh.</summary>
    public void Forget(string path) => _seen.Remove(path);
}
