namespace TransactionEtl.Core.Tests;

/// <summary>House rules for src/ that no analyzer states: each one a whole-tree check with every offender listed.</summary>
public sealed class SourceRulesTests
{
    [Fact]
    public void No_source_file_calls_ConfigureAwait()
    {
        // .editorconfig states the rule and why (no SynchronizationContext in either host); this keeps it one rule.
        var offenders = SourceSizeTests.SourceFiles()
            .SelectMany(file => File.ReadLines(file)
                .Select((line, index) => (file, line, number: index + 1))
                .Where(l => l.line.Contains("ConfigureAwait(", StringComparison.Ordinal)))
            .Select(l => $"{Path.GetRelativePath(RepoRoot.Path, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "ConfigureAwait under src/ (see .editorconfig):" + Environment.NewLine
            + string.Join(Environment.NewLine, offenders));
    }
}
