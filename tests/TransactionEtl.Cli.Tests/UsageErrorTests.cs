namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Option checks run while parsing: a bad value is one line on stderr pointing at the command's own --help, exit 64
/// (a usage error, distinct from a failed load's 1), and nothing runs (no cluster, no file written). The messages are the ones users and scripts have seen so far.
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
    [InlineData("--parallel must be a whole number from 1 to 64, got 0.", "run", "x.csv", "--parallel", "0")]
    [InlineData("--parallel must be a whole number from 1 to 64, got 65.", "run", "x.csv", "--parallel", "65")]
    [InlineData("--parallel must be a whole number, got 'all'.", "run", "x.csv", "--parallel", "all")]
    [InlineData("--chunk-bytes must be a whole number of bytes, at least 1024, got 100.", "run", "x.csv", "--chunk-bytes", "100")]
    [InlineData("--parallel-min-bytes must be 0 or more, got -1.", "run", "x.csv", "--parallel-min-bytes", "-1")]
    public async Task Out_of_range_options_are_one_line_usage_errors(string message, params string[] args)
    {
        var home = Path.Combine(_dir.Path, "home");
        var work = Directory.CreateDirectory(Path.Combine(_dir.Path, "work")).FullName;

        var result = await CliTestHost.RunAsync(new Dictionary<string, string?> { ["TXETL_HOME"] = home, ["TXETL_DATABASE_URL"] = null }, work, args);

        Assert.Equal(64, result.ExitCode);
        // The help of the command that was given, not only the top-level one.
        Assert.Equal($"txetl: error: {message} (see `txetl {args[0]} --help`)\n", result.Stderr.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, result.Stdout);
        Assert.False(Directory.Exists(home));
        Assert.Empty(Directory.EnumerateFileSystemEntries(work));
    }

    // Issue 15 item 8: `run --dry-run x.csv` said "--dry-run: no such file or directory".
    [Theory]
    [InlineData("txetl run", "run", "--dry-run", "x.csv")]
    [InlineData("txetl run", "run", "x.csv", "--dry-run")]
    [InlineData("txetl validate", "validate", "-n", "x.csv")]
    [InlineData("txetl watch", "watch", "--once", "in")]
    [InlineData("txetl sample", "sample", "--lines", "out.csv")]
    [InlineData("txetl lambda invoke", "lambda", "invoke", "--fast", "run-etl")]
    public async Task An_unknown_option_is_a_usage_error_naming_it_and_the_commands_help(string command, params string[] args)
    {
        var result = await RunInScratchAsync(args);

        Assert.Equal(64, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"txetl: error: Unrecognized option '{args.First(a => a.StartsWith('-'))}' (a file named so is ./", line);
        Assert.EndsWith($"(see `{command} --help`)", line);
        Assert.DoesNotContain("no such file", line);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Dash_v_is_not_version()
    {
        var result = await RunInScratchAsync("-v");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("'-v'", result.Stderr);
        Assert.DoesNotContain("0.1.0", result.Stdout);
    }

    [Fact]
    public async Task Txetl_alone_and_txetl_db_show_help_with_the_same_exit_code()
    {
        var bare = await RunInScratchAsync();
        var db = await RunInScratchAsync("db");

        Assert.Equal(64, bare.ExitCode);
        Assert.Equal(bare.ExitCode, db.ExitCode);
        Assert.Contains("Usage:", bare.Stdout);
        Assert.Contains("Usage:", db.Stdout);
    }

    private Task<CliResult> RunInScratchAsync(params string[] args)
    {
        var home = Path.Combine(_dir.Path, "home");
        var work = Directory.CreateDirectory(Path.Combine(_dir.Path, "work")).FullName;
        return CliTestHost.RunAsync(new Dictionary<string, string?> { ["TXETL_HOME"] = home, ["TXETL_DATABASE_URL"] = null }, work, args);
    }
}
