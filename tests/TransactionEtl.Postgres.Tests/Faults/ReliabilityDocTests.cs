using System.Text.RegularExpressions;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Postgres.Tests.Faults;

/// <summary>
/// Keeps the faults-and-concurrency table of docs/reliability.md equal to <see cref="FaultScenarios"/>, whose
/// figures every fault test checks its run against (<c>TXETL_UPDATE_DOCS=1</c> rewrites the table instead), and
/// the security section's rows pointing at tests and scripts that exist.
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

    [Fact]
    public void Every_test_and_script_the_security_section_names_exists()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "reliability.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = text.IndexOf("\n## Security\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/reliability.md has no '## Security' section");
        var next = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = next < 0 ? text[start..] : text[start..next];
        var sources = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();

        // `SecretLeakTests`, `Security.SecretLeakTests`: a test class; `scripts/...`: a file of the repository.
        var classes = Regex.Matches(section, @"`(?:\w+\.)*(\w+Tests)`").Select(m => m.Groups[1].Value).Distinct().ToList();
        var files = Regex.Matches(section, @"`(scripts/[\w./-]+)`").Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.True(classes.Count >= 8, $"expected the security rows to name their test classes; found {classes.Count}");
        Assert.All(classes, c => Assert.True(sources.Any(s => s.Contains($"class {c}", StringComparison.Ordinal)), $"docs/reliability.md names {c}, which no test under tests/ defines"));
        Assert.All(files, f => Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, f)), $"docs/reliability.md names {f}, which does not exist"));
    }
}
