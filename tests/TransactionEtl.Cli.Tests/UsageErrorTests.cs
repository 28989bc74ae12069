namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Option checks run while parsing: a bad value is one line on stderr pointing at --help, exit 1, and nothing
/// runs (no cluster, no file written). The messages are the ones users and scripts have seen so far.
/// </summary>
public sealed class UsageErrorTests : IDisposable
{
    private readonly TransactionEtl.Testing.ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("--max-rejected-ratio must be a number between 0 and 1 such as 0.05, got '2'.", "validate", "x.csv", "--max-rejected-ratio", "2")]
    [InlineData("--show must be 0 or more", "validate", "x.csv", "--show", "-1")]
    [InlineData("--max-rejected-ratio must be a number between 0 and 1 such as 0.05, got '2'.", "run", "--max-rejected-ratio", "2", "x.csv")]
    [InlineData("--max-rejected-ratio must be a number between 0 and 1 such as 0.05, got 'lots'.", "watch", "in", "--max-rejected-ratio", "lots")]
    [InlineData("--poll-ms must be at least 10, got 5.", "watch", "in", "--poll-ms", "5")]
    [InlineData("--limit must be 1 or more, got 0.", "report", "--limit", "0")]
    [InlineData("--rows must be 0 or more, got -1.", "sample", "--rows", "-1", "x.csv")]
    [InlineData("--fault-rate must be between 0 and 1 (e.g. 0.02), got 1.5.", "sample", "--fault-rate", "1.5", "x.csv")]
    [InlineData("--rows must be a whole number, got 'abc'.", "sample", "--rows", "abc", "x.csv")]
    [InlineData("--seed must be a whole number, got '1.5'.", "sample", "--seed", "1.5", "x.csv")]
    [InlineData("--fault-rate must be a number, got '2%'.", "sample", "--fault-rate", "2%", "x.csv")]
    [InlineData("--max-rejected-ratio must be a number between 0 and 1 such as 0.05, got 'x'.", "validate", "x.csv", "--max-rejected-ratio", "x")]
    [InlineData("--show must be a whole number, got 'ten'.", "validate", "x.csv", "--show", "ten")]
    [InlineData("--limit must be a whole number, got 'x'.", "report", "--limit", "x")]
    [InlineData("--poll-ms must be a whole number, got '1e9999'.", "watch", "in", "--poll-ms", "1e9999")]
    [InlineData("FILE_ID must be a whole number, got 'last'.", "rejects", "last")]
    public async Task Out_of_range_options_are_one_line_usage_errors(string message, params string[] args)
    {
        var home = Path.Combine(_dir.Path, "home");
        var work = Directory.CreateDirectory(Path.Combine(_dir.Path, "work")).FullName;

        var result = await CliTestHost.RunAsync(new Dictionary<string, string?> { ["TXETL_HOME"] = home, ["TXETL_DATABASE_URL"] = null }, work, args);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"txetl: error: {message} (see `txetl --help`)\n", result.Stderr.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, result.Stdout);
        Assert.False(Directory.Exists(home));
        Assert.Empty(Directory.EnumerateFileSystemEntries(work));
    }
}
