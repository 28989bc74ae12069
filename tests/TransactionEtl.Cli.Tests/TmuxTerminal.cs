using System.Text;
using System.Text.RegularExpressions;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// A real terminal for a CLI test: a tmux server of its own (its own socket, killed on dispose) running one script in
/// a 200x40 window. The test reads the screen with <c>capture-pane</c> as often as it likes, and every byte the program
/// wrote (pipe-pane), so that a frame shown for less than one look is not lost. tmux must be installed: a missing tmux
/// fails the test rather than skipping it.
/// </summary>
internal sealed partial class TmuxTerminal : IAsyncDisposable
{
    private readonly string _socket = "txetl-test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _log;

    private TmuxTerminal(string log) => _log = log;

    /// <summary>Starts <paramref name="script"/> (bash) in a new window; it runs once the output is being recorded.</summary>
    public static async Task<TmuxTerminal> StartAsync(string directory, string script)
    {
        var terminal = new TmuxTerminal(Path.Combine(directory, "terminal.log"));
        var file = Path.Combine(directory, "terminal.sh");
        // The script waits for the go signal: pipe-pane can only be attached once the window exists.
        await File.WriteAllTextAsync(file, "tmux wait-for go\n" + script);
        var (exitCode, _, stderr) = await TryTmuxAsync(terminal._socket, "new-session", "-d", "-s", "t", "-x", "200", "-y", "40", "bash " + file);
        Assert.True(exitCode == 0, $"tmux could not start (install tmux; CI and the dev container have it): {stderr}");
        await terminal.TmuxAsync("pipe-pane", "-t", "t", "-o", "cat >> " + terminal._log);
        await terminal.TmuxAsync("wait-for", "-S", "go");
        return terminal;
    }

    /// <summary>The screen as text now.</summary>
    public Task<string> CaptureAsync() => TmuxAsync("capture-pane", "-p", "-t", "t");

    /// <summary>
    /// Everything the program wrote, as lines of text: colours dropped, every other escape sequence (cursor moves,
    /// erasing) taken as a line break, so each redraw of a line becomes a line of its own, in the order written.
    /// </summary>
    public async Task<IReadOnlyList<string>> WrittenLinesAsync()
    {
        var bytes = File.Exists(_log) ? await File.ReadAllBytesAsync(_log) : [];
        var text = Colour().Replace(Encoding.UTF8.GetString(bytes), "");
        return OtherEscape().Replace(text, "\n").Split('\n', '\r');
    }

    public async ValueTask DisposeAsync() => await TryTmuxAsync(_socket, "kill-server");

    private async Task<string> TmuxAsync(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TryTmuxAsync(_socket, arguments);
        return exitCode == 0 ? stdout : throw new InvalidOperationException($"tmux {arguments[0]} failed ({exitCode}): {stderr}");
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> TryTmuxAsync(string socket, params string[] arguments) =>
        OsCommand.TryRunAsync("tmux", ["-L", socket, .. arguments]);

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Colour();

    [GeneratedRegex(@"\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>78])")]
    private static partial Regex OtherEscape();
}
