using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// <c>txetl run</c>'s progress display in a real terminal (tmux): each phase of a load has its own labelled line, and no
/// line's percentage ever goes down, also when the direct COPY falls back and the file is read again (issue 15, item 5).
/// </summary>
public sealed partial class ProgressTerminalTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    // Spectre.Console turns its live display off when one of these says it runs in CI; the test needs it on.
    private static readonly string[] CiVariables =
        ["CI", "GITHUB_ACTIONS", "TF_BUILD", "CI_SERVER", "JENKINS_URL", "TRAVIS", "TEAMCITY_VERSION", "APPVEYOR", "bamboo_buildNumber",
         "BITBUCKET_REPO_OWNER", "BITBUCKET_REPO_SLUG", "BITBUCKET_COMMIT", "BITRISE_BUILD_URL", "GO_SERVER_URL", "BuildRunner"];

    private readonly ScratchDirectory _dir = new("txetl-progress-test-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_file_with_a_repeated_id_shows_reading_then_committing_and_never_goes_back()
    {
        // Failed on bf9b997: the only line was the file's name (no phase), and the repeat made it fall back and restart.
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        await SampleAsync(work, "repeat.csv", 200_000, seed: 821);
        var lines = await File.ReadAllLinesAsync(Path.Combine(work, "repeat.csv"));
        await File.AppendAllTextAsync(Path.Combine(work, "repeat.csv"), lines[1] + "\n"); // the first row's id again

        var seen = await RunInTerminalAsync(work, "repeat.csv");

        Assert.Equal(["reading", "committing"], seen.Labels);
        Assert.True(seen.Reading.Distinct().Count() >= 2, "the reading line never moved: " + string.Join(", ", seen.Reading));
    }

    [Fact]
    public async Task A_file_with_a_stored_id_shows_every_phase_of_the_fallback_and_never_goes_back()
    {
        // Failed on bf9b997: one unlabelled bar per file, which went from near 100 % back to 0 % for the second read.
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        await SampleAsync(work, "first.csv", 10, seed: 822);
        Assert.Equal(0, (await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--json", "first.csv")).ExitCode);
        await SampleAsync(work, "stored.csv", 100_000, seed: 823);
        var stored = (await File.ReadAllLinesAsync(Path.Combine(work, "first.csv")))[1];
        await File.AppendAllTextAsync(Path.Combine(work, "stored.csv"), stored + "\n");

        var seen = await RunInTerminalAsync(work, "stored.csv");

        Assert.Equal(["reading", "reading again", "checking keys", "loading staged rows", "committing"], seen.Labels);
    }

    private static async Task SampleAsync(string work, string name, int rows, int seed) =>
        Assert.Equal(0, (await RunTestSupport.RunAsync(work, "sample", "--rows", rows.ToString(CultureInfo.InvariantCulture),
            "--seed", seed.ToString(CultureInfo.InvariantCulture), Path.Combine(work, name))).ExitCode);

    /// <summary>
    /// Runs <c>txetl run FILE</c> in tmux, looks at the screen every few milliseconds until it exits, and checks every
    /// phase line's percentage, on the screens and in the bytes written, for a step back. Returns the labels in order of
    /// first appearance and the reading line's percentages.
    /// </summary>
    private async Task<(List<string> Labels, List<int> Reading)> RunInTerminalAsync(string work, string file)
    {
        var exit = Path.Combine(work, "exit-code");
        var unset = string.Concat(CiVariables.Select(v => $" -u {v}"));
        // Written before the script starts: without it, run would create a local cluster in the work directory.
        await File.WriteAllTextAsync(Path.Combine(work, "url"), db.ConnectionString);
        await using var terminal = await TmuxTerminal.StartAsync(work,
            $"cd '{work}'\nenv{unset} dotnet '{CliTestHost.TxetlDll}' run --database-url \"$(cat url)\" {file}\necho $? > '{exit}'\nsleep 600\n");

        var screens = new List<string>();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(exit) || (await File.ReadAllTextAsync(exit)).Length == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "txetl run did not end within 3 minutes; last screen:\n" + screens.LastOrDefault());
            screens.Add(await terminal.CaptureAsync());
            await Task.Delay(20);
        }

        screens.Add(await terminal.CaptureAsync());
        Assert.True((await File.ReadAllTextAsync(exit)).Trim() == "0", "txetl run failed; screen:\n" + screens[^1]);
        var fromScreens = Phases(screens.SelectMany(s => s.Split('\n')));
        var fromBytes = Phases(await terminal.WrittenLinesAsync());
        Assert.Contains(file, screens[^1], StringComparison.Ordinal); // the summary table names the file
        Assert.True(fromScreens.Count > 0, "no phase line on any of the " + screens.Count + " screens; last:\n" + screens[^1]);
        var labels = fromBytes.Select(p => p.Label).Concat(fromScreens.Select(p => p.Label)).Distinct().ToList();
        return (fromBytes.Select(p => p.Label).Distinct().ToList() is { Count: > 0 } ordered ? ordered : labels,
            fromBytes.Concat(fromScreens).Where(p => p.Label == "reading").Select(p => p.Percent).ToList());
    }

    /// <summary>Every "FILE: label ... N%" line in order; fails at the first percentage lower than its label's last one.</summary>
    private static List<(string Label, int Percent)> Phases(IEnumerable<string> lines)
    {
        var seen = new List<(string Label, int Percent)>();
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (PhaseLine().Match(line) is not { Success: true } match)
            {
                continue;
            }

            var (label, percent) = (match.Groups["label"].Value, int.Parse(match.Groups["percent"].Value, CultureInfo.InvariantCulture));
            Assert.True(!last.TryGetValue(label, out var before) || percent >= before, $"'{label}' went back from {before} % to {percent} %: {line}");
            last[label] = percent;
            seen.Add((label, percent));
        }

        return seen;
    }

    [GeneratedRegex(@"\.csv: (?<label>reading again|reading|checking keys|loading staged rows|committing)\s.*?\s(?<percent>\d{1,3})%")]
    private static partial Regex PhaseLine();
}
