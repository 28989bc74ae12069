using System.Diagnostics;
using Spectre.Console;
using TransactionEtl.Cli.Internal;

namespace TransactionEtl.Cli.Tests;

/// <summary>What one txetl run printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs real argv through <see cref="TxetlApp"/>: in-process with captured stdout/stderr and its own
/// environment variables and working directory, or as a separate <c>dotnet txetl.dll</c> process.
/// </summary>
internal static class CliTestHost
{
    /// <summary>The built CLI next to the tests (the project reference copies it).</summary>
    public static string TxetlDll => Path.Combine(AppContext.BaseDirectory, "txetl.dll");

    public static Task<CliResult> RunAsync(
        IReadOnlyDictionary<string, string?>? environment, string workingDirectory, params string[] args) =>
        RunAsync(environment, workingDirectory, TextReader.Null, args);

    /// <summary>Like the overload without <paramref name="input"/>, with <paramref name="input"/> as standard input.</summary>
    public static Task<CliResult> RunAsync(
        IReadOnlyDictionary<string, string?>? environment, string workingDirectory, TextReader input, params string[] args) =>
        RunAsync(environment, workingDirectory, input, null, args);

    /// <summary>Like the overload without <paramref name="bytes"/>, with <paramref name="bytes"/> as standard input's bytes (<c>run -</c>).</summary>
    public static Task<CliResult> RunAsync(
        IReadOnlyDictionary<string, string?>? environment, string workingDirectory, byte[] bytes, params string[] args) =>
        RunAsync(environment, workingDirectory, TextReader.Null, bytes, args);

    private static async Task<CliResult> RunAsync(
        IReadOnlyDictionary<string, string?>? environment, string workingDirectory, TextReader input, byte[]? bytes, string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 32_767;
        var variables = environment ?? new Dictionary<string, string?>();
        var cliEnvironment = new CliEnvironment(
            console,
            stderr,
            name => variables.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name),
            workingDirectory)
        {
            Input = input,
            OpenStandardInput = () => bytes is null ? Stream.Null : new MemoryStream(bytes, writable: false),
        };
        var exitCode = await TxetlApp.RunAsync(args, cliEnvironment);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts <c>dotnet txetl.dll args</c>, optionally as another OS user through runuser (we are root then).</summary>
    public static Process StartProcess(IReadOnlyDictionary<string, string>? environment, string? runAs, params string[] args)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = runAs is null ? "dotnet" : "runuser",
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (runAs is not null)
        {
            foreach (var word in new[] { "-u", runAs, "--", "dotnet" })
            {
                startInfo.ArgumentList.Add(word);
            }
        }
        startInfo.ArgumentList.Add(TxetlDll);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start");
    }

    public static async Task<CliResult> WaitAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static async Task<CliResult> RunProcessAsync(IReadOnlyDictionary<string, string>? environment, string? runAs, params string[] args)
    {
        using var process = StartProcess(environment, runAs, args);
        return await WaitAsync(process);
    }
}
