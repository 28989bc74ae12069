using Spectre.Console;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// What a command may read from its surroundings, injected so that tests run real argv in-process with
/// their own stdout, stderr, environment and working directory.
/// </summary>
internal sealed class CliEnvironment
{
    public CliEnvironment(IAnsiConsole output, TextWriter error, Func<string, string?> getVariable, string currentDirectory)
    {
        Output = output;
        Error = error;
        GetVariable = getVariable;
        CurrentDirectory = currentDirectory;
        Unicode = LocaleIsUtf8(getVariable);
        // Spectre would decide by the console's encoding, which .NET makes UTF-8 even under LANG=C; the locale decides here,
        // for every table, progress bar and spinner at once.
        output.Profile.Capabilities.Unicode = Unicode;
    }

    /// <summary>
    /// Whether the terminal's character set can show box drawing: the locale (LC_ALL, else LC_CTYPE, else LANG) names
    /// UTF-8. Under <c>LANG=C</c>, POSIX or no locale at all, tables get ASCII borders instead.
    /// </summary>
    public bool Unicode { get; }

    /// <summary>The border of every table: box drawing under a UTF-8 locale, ASCII otherwise (<see cref="Unicode"/>).</summary>
    /// <remarks>Spectre's own fallback keeps the square border (it counts it as safe), so every table sets this.</remarks>
    public TableBorder TableBorder => Unicode ? TableBorder.Square : TableBorder.Ascii2;

    /// <summary>Standard output: results a user may pipe (a URL, a summary).</summary>
    public IAnsiConsole Output { get; }

    /// <summary>
    /// Standard error, as a plain writer: an error must stay one line, and a console renderer would wrap it
    /// at the terminal width.
    /// </summary>
    public TextWriter Error { get; }

    /// <summary>
    /// Standard output as bytes, for output in a file's own encoding (<c>rejects --csv</c> of a Windows-1252 contract);
    /// null where there is no byte stream (tests), and such output then goes through <see cref="Output"/> as text.
    /// </summary>
    public Stream? OutputBytes { get; init; }

    /// <summary>Standard input (<c>lambda invoke --event -</c>); none unless given.</summary>
    public TextReader Input { get; init; } = TextReader.Null;

    /// <summary>Standard input as bytes (<c>run -</c>: the contract decides the encoding); empty unless given.</summary>
    public Func<Stream> OpenStandardInput { get; init; } = () => Stream.Null;

    /// <summary>Whether standard output goes to a file or pipe rather than a terminal.</summary>
    public bool OutputRedirected { get; init; }

    public Func<string, string?> GetVariable { get; }

    public string CurrentDirectory { get; }

    /// <summary>The clock <c>watch</c> sleeps on between two looks; a test steps it to make each look an event.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Set from <c>--verbose</c> once the command line is parsed.</summary>
    public bool Verbose { get; set; }

    /// <summary>Set from <c>-q/--quiet</c> once the command line is parsed: no progress, tables or notices.</summary>
    public bool Quiet { get; set; }

    /// <summary>
    /// Whether a command shows a live progress bar: only on an interactive ANSI terminal, and not with
    /// <c>--json</c> (stdout is one document) or <c>--verbose</c> (its log lines on stderr would tear the bar apart).
    /// </summary>
    public bool ShowsProgress(bool json)
    {
        var capabilities = Output.Profile.Capabilities;
        return !json && !Verbose && !Quiet && !OutputRedirected && capabilities.Interactive && capabilities.Ansi;
    }

    private static bool LocaleIsUtf8(Func<string, string?> getVariable)
    {
        var locale = EnvironmentVariables.Locale.Select(getVariable).FirstOrDefault(value => !string.IsNullOrEmpty(value));
        return locale is not null
            && (locale.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || locale.Contains("UTF8", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The process's real surroundings.</summary>
    public static CliEnvironment FromProcess(IAnsiConsole output) =>
        new(output, Console.Error, Environment.GetEnvironmentVariable, Environment.CurrentDirectory)
        {
            Input = Console.In,
            OpenStandardInput = Console.OpenStandardInput,
            OutputRedirected = Console.IsOutputRedirected,
            OutputBytes = Console.OpenStandardOutput(),
        };
}
