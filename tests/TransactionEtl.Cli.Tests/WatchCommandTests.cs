using System.Text.Json;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary><c>txetl watch</c> in-process with a real cancellation (what Ctrl+C does).</summary>
public sealed class WatchCommandTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-watch-test-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Loads_existing_and_new_files_moves_them_with_summaries_and_a_restart_loads_nothing_twice()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(_dir.Path, "inbox")).FullName;
        var good = File.ReadAllBytes(Path.Combine(RunTestSupport.SamplesDirectory, "transactions.csv"));
        File.WriteAllBytes(Path.Combine(inbox, "a-existing.csv"), good);

        using (var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            var watch = RunTestSupport.RunCancellableAsync(_dir.Path, stop.Token, "watch", "inbox", "--poll-ms", "100", "--settle", "1", "--database-url", db.ConnectionString);
            await WaitForAsync(() => File.Exists(Path.Combine(inbox, "processed", "a-existing.csv")), watch);
            // Written under another name and renamed: the file appears complete, so no look can see it half-written.
            var partial = Path.Combine(_dir.Path, "b-new.partial");
            File.Copy(Path.Combine(RunTestSupport.SamplesDirectory, "file-level", "missing-column.csv"), partial);
            File.Move(partial, Path.Combine(inbox, "b-new.csv"));
            await WaitForAsync(() => File.Exists(Path.Combine(inbox, "rejected", "b-new.summary.json")), watch);
            await stop.CancelAsync();
            var result = await watch;

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("stopped", result.Stdout);
            Assert.Equal("", result.Stderr);
        }

        var first = ReadSummary(Path.Combine(inbox, "processed", "a-existing.summary.json"));
        Assert.Equal(FileStatus.LoadedWithRejects, first.Status);
        Assert.Equal(FileStatus.Rejected, ReadSummary(Path.Combine(inbox, "rejected", "b-new.summary.json")).Status);
        Assert.Empty(Directory.GetFiles(inbox, "*.csv"));

        // Restart, and the same content arrives again (e.g. a crash after commit, before the move).
        File.WriteAllBytes(Path.Combine(inbox, "a-existing.csv"), good);
        using (var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            var watch = RunTestSupport.RunCancellableAsync(_dir.Path, stop.Token, "watch", "inbox", "--poll-ms", "100", "--settle", "1", "--database-url", db.ConnectionString);
            await WaitForAsync(() => File.Exists(Path.Combine(inbox, "processed", "a-existing.1.summary.json")), watch);
            await stop.CancelAsync();
            Assert.Equal(0, (await watch).ExitCode);
        }

        var again = ReadSummary(Path.Combine(inbox, "processed", "a-existing.1.summary.json"));
        Assert.Equal(FileStatus.AlreadyLoaded, again.Status);
        Assert.Equal(first.FileId, again.FileId);
    }

    [Fact]
    public async Task A_file_still_growing_is_not_loaded_until_its_size_settles()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(_dir.Path, "slow")).FullName;
        var path = Path.Combine(inbox, "growing.csv");
        var processed = Path.Combine(inbox, "processed", "growing.summary.json");
        var lines = File.ReadAllLines(Path.Combine(RunTestSupport.SamplesDirectory, "transactions.csv"))
            .Select(l => l.Replace("TX2029-", "GROW-", StringComparison.Ordinal)).ToArray();

        // The watch sleeps on a clock the test steps: each piece is written between two looks, so every look
        // while the file grows sees a new size, however slow the machine. A load of a partial file would show
        // fewer rows.
        var clock = new PollClock();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var watch = RunTestSupport.RunCancellableAsync(_dir.Path, clock, stop.Token, "watch", "slow", "--poll-ms", "300", "--settle", "0", "--database-url", db.ConnectionString);
        await clock.WaitForSleepAsync(watch);
        var looks = 0;
        await using (var writer = new StreamWriter(path))
        {
            foreach (var chunk in lines.Chunk(60))
            {
                foreach (var line in chunk)
                {
                    await writer.WriteLineAsync(line);
                }

                await writer.FlushAsync();
                await clock.NextLookAsync(watch);
                looks++;
                Assert.True(File.Exists(path), $"loaded after look {looks}, while the file was still growing");
                Assert.False(File.Exists(processed));
            }
        }

        // The next look sees the size of the last look again: the file has settled and is loaded in that look.
        await clock.NextLookAsync(watch);
        Assert.True(File.Exists(processed), "not loaded in the first look that saw the same size twice");
        Assert.False(File.Exists(path));
        await stop.CancelAsync();
        Assert.Equal(0, (await watch).ExitCode);

        Assert.Equal(6, looks);
        Assert.Equal(300, ReadSummary(processed).RowsTotal);
    }

    private static FileSummary ReadSummary(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), FileSummaryJsonContext.Default.FileSummary)!;

    internal static Task WaitForAsync(Func<bool> condition, Task<CliResult> watch) => RunTestSupport.WaitForAsync(condition, watch);
}
