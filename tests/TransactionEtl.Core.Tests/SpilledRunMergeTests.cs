using System.Text;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// The spilled keys' merge with a bounded fan-in: with many more runs than it reads at once, it finds exactly the
/// repeats (and first lines) that a set in memory finds, and never reads more than the fan-in runs at once.
/// </summary>
public sealed class SpilledRunMergeTests : IDisposable
{
    private const int FanIn = 4;

    // Not the shared temp directory: SpilledKeysTests count the temp files there while these run. Deleted not
    // recursively: a temp file left behind fails the test.
    private readonly string _directory = Directory.CreateTempSubdirectory("txetl-merge-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: false);

    [Theory]
    [InlineData(0UL)]
    [InlineData(3UL)]
    [InlineData(ulong.MaxValue)]
    public void Many_more_runs_than_the_fan_in_find_the_same_repeats_as_a_set_in_memory(ulong hashMask)
    {
        var rows = Rows(3_000, keys: 120, seed: 11);
        using var spilled = new SpilledKeys(hash => hash & hashMask, runBytes: 2_048, fanIn: FanIn, _directory);
        foreach (var row in rows)
        {
            spilled.Add(row.Key, row.Line, row.Raw, row.Accepted);
        }
        var found = new List<string>();
        spilled.Resolve((line, key, firstLine, raw) => found.Add(Describe(line, key, firstLine, raw)), CancellationToken.None);

        Assert.True(spilled.RunCount > FanIn * FanIn, $"only {spilled.RunCount} runs: the merge needs no intermediate pass");
        Assert.True(spilled.LastMerge!.IntermediateMerges > FanIn, $"{spilled.LastMerge.IntermediateMerges} intermediate merges");
        Assert.Equal(InMemory(rows), found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_merge_reads_at_most_the_fan_in_runs_at_once_however_many_there_are()
    {
        var rows = Rows(2_000, keys: 500, seed: 5);
        using var spilled = new SpilledKeys(null, runBytes: 1_024, fanIn: FanIn, _directory);
        foreach (var row in rows)
        {
            spilled.Add(row.Key, row.Line, row.Raw, row.Accepted);
        }
        spilled.Resolve((_, _, _, _) => { }, CancellationToken.None);

        // A merge with one reader per run (the merge before this class) would read every run at once.
        Assert.True(spilled.RunCount > 10 * FanIn, $"only {spilled.RunCount} runs");
        Assert.Equal(FanIn, spilled.LastMerge!.PeakOpenRuns);
    }

    [Fact]
    public void A_key_in_every_run_repeats_its_first_accepted_row_even_when_that_row_is_in_a_merged_run()
    {
        // The hot key's first row is rejected, its second accepted (the winner); then it comes in every run.
        var rows = new List<Row>();
        for (int i = 0; i < 1_500; i++)
        {
            string key = i % 3 == 0 ? "HOT" : $"K{i}";
            rows.Add(new Row(key, 10 + i, $"raw {i} {new string('x', i % 17)}", Accepted: i != 0));
        }
        using var spilled = new SpilledKeys(null, runBytes: 1_024, fanIn: 3, _directory);
        foreach (var row in rows)
        {
            spilled.Add(row.Key, row.Line, row.Raw, row.Accepted);
        }
        var found = new List<string>();
        spilled.Resolve((line, key, firstLine, raw) => found.Add(Describe(line, key, firstLine, raw)), CancellationToken.None);

        Assert.True(spilled.LastMerge!.IntermediateMerges > 3);
        Assert.Equal(InMemory(rows), found.Order(StringComparer.Ordinal));
        Assert.Equal(498, found.Count);
        Assert.All(found, f => Assert.Contains("|HOT|13|", f, StringComparison.Ordinal));
    }

    /// <summary>Rows with keys from a small pool (so most repeat, across many runs), some rejected, some raw records larger than a merge slice, and keys equal only as UTF-8 (a lone surrogate is U+FFFD).</summary>
    private static List<Row> Rows(int count, int keys, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Row>(count);
        long line = 2;
        for (int i = 0; i < count; i++)
        {
            int k = random.Next(keys);
            string key = k switch
            {
                0 => "LONE-\uD800",
                1 => "LONE-\uFFFD",
                _ => $"TX-{k:D5}",
            };
            int width = random.Next(200) == 0 ? 3_000 : random.Next(50) == 0 ? 900 : random.Next(5, 60);
            string raw = $"{key},{i}.50,\"{new string((char)('a' + i % 26), width)}\"" + (i % 97 == 0 ? "\uDC00" : "é");
            rows.Add(new Row(key, line, raw, Accepted: random.Next(6) != 0));
            line += random.Next(1, 3);
        }
        return rows;
    }

    /// <summary>The in-memory rule: the first accepted row of each key (compared as UTF-8) wins; every later row with it repeats it.</summary>
    private static List<string> InMemory(IEnumerable<Row> rows)
    {
        var winners = new Dictionary<string, long>(StringComparer.Ordinal);
        var repeats = new List<string>();
        foreach (var row in rows)
        {
            string same = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(row.Key));
            if (winners.TryGetValue(same, out long first))
            {
                repeats.Add(Describe(row.Line, row.Key, first, row.Accepted ? row.Raw : null));
            }
            else if (row.Accepted)
            {
                winners.Add(same, row.Line);
            }
        }
        return [.. repeats.Order(StringComparer.Ordinal)];
    }

    private static string Describe(long line, string key, long firstLine, string? raw) =>
        $"{line:D8}|{key}|{firstLine}|{raw ?? "<rejected>"}";

    private sealed record Row(string Key, long Line, string Raw, bool Accepted);
}
