using System.Text.Json;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Tests;

/// <summary>Helpers for the run/report/rejects/watch/sample command tests.</summary>
internal static class RunTestSupport
{
    public static string SamplesDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TransactionEtl.slnx")))
                {
                    return Path.Combine(dir.FullName, "samples");
                }
            }

            throw new InvalidOperationException("TransactionEtl.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The lines of samples/transactions.csv (header and 300 rows, some rejected) with ids of the test's own.</summary>
    public static string[] SampleLines(string idPrefix) =>
        File.ReadAllLines(Path.Combine(SamplesDirectory, "transactions.csv"))
            .Select(l => l.Replace("TX2029-", idPrefix + "-", StringComparison.Ordinal)).ToArray();

    public static Task<CliResult> RunAsync(string workingDirectory, params string[] args) =>
        CliTestHost.RunAsync(null, workingDirectory, args);

    public static List<FileSummary> Summaries(string json) =>
        JsonSerializer.Deserialize(json, FileSummaryJsonContext.Default.IReadOnlyListFileSummary)!.ToList();

    /// <summary>Runs real argv in-process with a cancellation token (for watch), output captured.</summary>
    public static Task<CliResult> RunCancellableAsync(string workingDirectory, CancellationToken cancellationToken, params string[] args) =>
        RunCancellableAsync(workingDirectory, TimeProvider.System, cancellationToken, args);

    /// <summary>As above, with the clock the command sleeps on (see <see cref="PollClock"/>).</summary>
    public static async Task<CliResult> RunCancellableAsync(string workingDirectory, TimeProvider time, CancellationToken cancellationToken, params string[] args)
    {
        await using var stdout = new SynchronizedStringWriter();
        await using var stderr = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 32_767;
        var environment = new CliEnvironment(console, stderr, Environment.GetEnvironmentVariable, workingDirectory) { Time = time };
        var exitCode = await TxetlApp.RunAsync(args, environment, cancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Waits up to two minutes for <paramref name="condition"/>; fails at once when <paramref name="watch"/> ends first.</summary>
    public static async Task WaitForAsync(Func<bool> condition, Task<CliResult> watch)
    {
        for (var i = 0; i < 1200 && !condition(); i++)
        {
            if (watch.IsCompleted)
            {
                var result = await watch;
                Assert.Fail($"watch ended early with {result.ExitCode}: {result.Stdout} {result.Stderr}");
            }

            await Task.Delay(100);
        }

        Assert.True(condition(), "timed out waiting for watch");
    }

    /// <summary>A StringWriter whose ToString may be called while another thread writes.</summary>
    private sealed class SynchronizedStringWriter : StringWriter
    {
        private readonly Lock _gate = new();

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, index, count);
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return base.ToString();
            }
        }
    }
}
