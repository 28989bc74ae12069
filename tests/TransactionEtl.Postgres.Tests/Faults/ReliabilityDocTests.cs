using System.Text.RegularExpressions;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Postgres.Tests.Faults;

/// <summary>
/// Keeps the faults-and-concurrency table of docs/reliability.md equal to <see cref="FaultScenarios"/>, whose
/// figures every fault test checks its run against. <c>TXETL_UPDATE_DOCS=1</c> rewrites the table instead.
/// </summary>
public sealed class ReliabilityDocTests
{
    [Fact]
    public void The_faults_table_in_docs_reliability_md_is_the_generated_one()
    {
        var path = Path.Combine(RepositoryRoot.Path, "docs", "reliability.md");
        var current = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);

        var expected = FaultScenarios.Render(current);

        Assert.True(expected is not null, $"docs/reliability.md lacks the markers {FaultScenarios.Begin} ... {FaultScenarios.End}");
        if (Environment.GetEnvironmentVariable("TXETL_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.True(expected == current,
            "docs/reliability.md's faults table differs from FaultScenarios.cs; run `TXETL_UPDATE_DOCS=1 dotnet test tests/TransactionEtl.Postgres.Tests " +
            "--filter ReliabilityDocTests` and review the diff");
    }

    [Fact]
    public void Every_scenario_names_a_test_that_exists()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();

        Assert.Equal(FaultScenarios.All.Count, FaultScenarios.All.Select(s => s.Id).Distinct(StringComparer.Ordinal).Count());
        foreach (var scenario in FaultScenarios.All)
        {
            var match = Regex.Match(scenario.Test, @"^(\w+)\.(\w+)(\(([\w-]+)\))?$");
            Assert.True(match.Success, $"{scenario.Id}: '{scenario.Test}' is not Class.Method or Class.Method(case)");
            var (type, method, theoryCase) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[4].Value);
            Assert.True(
                sources.Any(s => s.Contains($"class {type}", StringComparison.Ordinal) && s.Contains($" {method}(", StringComparison.Ordinal)
                    && (theoryCase.Length == 0 || s.Contains($"\"{theoryCase}\"", StringComparison.Ordinal))),
                $"{scenario.Id}: no test {scenario.Test} under tests/");
        }
    }
}
