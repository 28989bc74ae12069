using Xunit.Abstractions;

namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>
/// Runs every case of Data/hostile/manifest.json through the engine and checks the promised outcome, the hang
/// guard and the memory bound. Serial (see <see cref="SerialTests"/>) so the allocation figures are the engine's.
/// </summary>
[Collection(SerialTests.Name)]
public class HostileCorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in HostileManifest.Cases)
        {
            data.Add(c.Name);
        }
        return data;
    }

    [Fact]
    public void The_corpus_has_40_cases_with_unique_names_and_every_committed_file_is_in_the_manifest()
    {
        var cases = HostileManifest.Cases;
        Assert.True(cases.Count >= 40, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
        var listed = cases.Where(c => c.File is not null).Select(c => c.File!).ToHashSet();
        var onDisk = Directory.GetFiles(HostileManifest.Directory).Select(Path.GetFileName).Where(f => f != "manifest.json").ToHashSet();
        Assert.Empty(onDisk.Except(listed));
        Assert.Empty(listed.Except(onDisk!));
        Assert.All(cases, c => Assert.True(c.File is null != c.Generate is null, $"{c.Name}: give exactly one of file and generate"));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Hostile_input_gets_its_documented_outcome(string name)
    {
        var run = await HostileRun.ExecuteAsync(HostileManifest.Cases.Single(c => c.Name == name));
        output.WriteLine($"{name}: {run.Result.ErrorCode ?? "readable"}, {run.Result.RowsTotal} rows, engine allocated {run.AllocatedBytes / (1024 * 1024)} MiB");
        var mismatches = run.Mismatches();
        Assert.True(mismatches.Count == 0, $"{name}:\n  " + string.Join("\n  ", mismatches));
    }

    [Fact]
    public async Task Reliability_doc_shows_the_actual_outcome_of_every_case()
    {
        var runs = new List<HostileRun>();
        foreach (var c in HostileManifest.Cases)
        {
            runs.Add(await HostileRun.ExecuteAsync(c));
        }
        string path = Path.Combine(RepoRoot.Path, "docs", "reliability.md");
        string current = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        string expected = ReliabilityDoc.Render(current, runs);
        if (Environment.GetEnvironmentVariable("TXETL_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, expected);
            return;
        }
        Assert.True(current == expected,
            "docs/reliability.md does not match the hostile corpus results; run the tests with TXETL_UPDATE_DOCS=1 and review the diff");
    }
}
