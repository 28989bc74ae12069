using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// The options several commands share are defined once (<see cref="CommonOptions"/>): the same value gets the same
/// answer from every command, and one rule decides whether a command shows a progress bar.
/// </summary>
public sealed class CommonOptionsTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("validate", "x.csv")]
    [InlineData("run", "x.csv")]
    [InlineData("watch", "in")]
    public async Task A_missing_contract_file_is_named_alike_by_every_command_before_any_database_starts(params string[] args)
    {
        var home = Path.Combine(_dir.Path, "home");
        var work = Directory.CreateDirectory(Path.Combine(_dir.Path, "work")).FullName;
        Directory.CreateDirectory(Path.Combine(work, "in"));
        File.WriteAllText(Path.Combine(work, "x.csv"), "a\n");

        var result = await CliTestHost.RunAsync(
            new Dictionary<string, string?> { ["TXETL_HOME"] = home, ["TXETL_DATABASE_URL"] = null }, work,
            [.. args, "--contract", "no-such-contract.json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("txetl: error: no-such-contract.json: contract file not found\n", result.Stderr.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, result.Stdout);
        Assert.False(Directory.Exists(home));
    }

    [Theory]
    [InlineData("validate", "x.csv")]
    [InlineData("run", "x.csv")]
    [InlineData("watch", "in")]
    public async Task A_negative_max_rejected_ratio_gets_the_same_message_from_every_command(params string[] args)
    {
        var work = Directory.CreateDirectory(Path.Combine(_dir.Path, "work")).FullName;

        var result = await CliTestHost.RunAsync(
            new Dictionary<string, string?> { ["TXETL_HOME"] = Path.Combine(_dir.Path, "home") }, work,
            [.. args, "--max-rejected-ratio=-0.1"]);

        Assert.Equal(64, result.ExitCode);
        Assert.Equal(
            $"txetl: error: --max-rejected-ratio must be a number between 0 and 1 such as 0.05, got '-0.1'. (see `txetl {args[0]} --help`)\n",
            result.Stderr.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData(false, false, false, true, true, true)]
    [InlineData(true, false, false, true, true, false)]
    [InlineData(false, true, false, true, true, false)]
    [InlineData(false, false, true, true, true, false)]
    [InlineData(false, false, false, false, true, false)]
    [InlineData(false, false, false, true, false, false)]
    public void A_progress_bar_shows_only_on_an_interactive_ANSI_terminal_without_json_or_verbose(
        bool json, bool verbose, bool redirected, bool interactive, bool ansi, bool expected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(TextWriter.Null),
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        var environment = new CliEnvironment(console, TextWriter.Null, _ => null, _dir.Path)
        {
            OutputRedirected = redirected,
            Verbose = verbose,
        };

        Assert.Equal(expected, environment.ShowsProgress(json));
    }
}
