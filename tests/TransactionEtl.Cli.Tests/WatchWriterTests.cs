using System.Text.Json;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// <c>txetl watch</c> against real slow writers (child processes): one that holds the file open and pauses, one that
/// appends and closes between chunks, ones that write a <c>.part</c> or dot-file and rename it, one that uses a
/// <c>.done</c> marker. The watch sleeps on a <see cref="PollClock"/>, so each chunk arrives between two looks and the
/// database must end with the full files only.
/// </summary>
public sealed class WatchWriterTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-watch-writer-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_file_a_process_holds_open_for_writing_is_not_loaded_until_it_is_closed()
    {
        var inbox = Inbox("hold");
        var lines = RunTestSupport.SampleLines("HOLD");
        var path = Path.Combine(inbox, "held.csv");
        var clock = new PollClock();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // --settle 0: the quiet period would let a file that stopped changing be loaded at the second look.
        var watch = StartWatch(clock, "hold", ["--settle", "0"], stop.Token);
        await clock.WaitForSleepAsync(watch);
        using (var writer = SlowWriter.HoldOpen(path))
        {
            foreach (var chunk in lines.Chunk(101))
            {
                await writer.WriteAsync(chunk);
                await LooksAsync(clock, watch, 3);
                Assert.True(File.Exists(path), "loaded while a process held it open for writing");
            }

            await writer.CloseAsync();
        }

        await LooksUntilAsync(clock, watch, () => !File.Exists(path));
        await StopAsync(stop, watch);
        await AssertLoadedInFullAsync(Path.Combine(inbox, "processed", "held.summary.json"), lines, "HOLD");
    }

    [Fact]
    public async Task A_writer_that_closes_between_chunks_is_waited_for_by_the_quiet_period()
    {
        var inbox = Inbox("append");
        var lines = RunTestSupport.SampleLines("APPEND");
        var path = Path.Combine(inbox, "appended.csv");
        var clock = new PollClock();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // One look a second and a quiet period of 5 s: the writer's pauses of 3 looks are shorter.
        var watch = StartWatch(clock, "append", ["--poll-ms", "1000", "--settle", "5"], stop.Token);
        await clock.WaitForSleepAsync(watch);
        foreach (var chunk in lines.Chunk(101))
        {
            await SlowWriter.AppendAndCloseAsync(path, chunk);
            await LooksAsync(clock, watch, 3);
            Assert.True(File.Exists(path), "loaded between two chunks of a writer that closes the file");
        }

        await LooksUntilAsync(clock, watch, () => !File.Exists(path));
        await StopAsync(stop, watch);
        await AssertLoadedInFullAsync(Path.Combine(inbox, "processed", "appended.summary.json"), lines, "APPEND");
    }

    [Fact]
    public async Task Part_files_and_dot_files_are_loaded_only_once_renamed()
    {
        var inbox = Inbox("rename");
        var (partLines, dotLines) = (RunTestSupport.SampleLines("PART"), RunTestSupport.SampleLines("DOT"));
        var part = Path.Combine(inbox, "part.csv.part");
        var dot = Path.Combine(inbox, ".dot.csv");
        var clock = new PollClock();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var watch = StartWatch(clock, "rename", ["--settle", "0"], stop.Token);
        await clock.WaitForSleepAsync(watch);
        foreach (var (partChunk, dotChunk) in partLines.Chunk(101).Zip(dotLines.Chunk(101)))
        {
            await SlowWriter.AppendAndCloseAsync(part, partChunk);
            await SlowWriter.AppendAndCloseAsync(dot, dotChunk);
            await LooksAsync(clock, watch, 3);
            Assert.True(File.Exists(part) && File.Exists(dot), "a .part or dot-file was loaded before its rename");
        }

        await SlowWriter.RenameAsync(part, Path.Combine(inbox, "part.csv"));
        await SlowWriter.RenameAsync(dot, Path.Combine(inbox, "dot.csv"));
        await LooksUntilAsync(clock, watch, () => Directory.GetFiles(inbox, "*.csv").Length == 0);
        await StopAsync(stop, watch);
        await AssertLoadedInFullAsync(Path.Combine(inbox, "processed", "part.summary.json"), partLines, "PART");
        await AssertLoadedInFullAsync(Path.Combine(inbox, "processed", "dot.summary.json"), dotLines, "DOT");
    }

    [Fact]
    public async Task With_done_markers_a_file_waits_for_its_marker_which_is_deleted_after_the_move()
    {
        var inbox = Inbox("marker");
        var lines = RunTestSupport.SampleLines("MARK");
        var path = Path.Combine(inbox, "marked.csv");
        var clock = new PollClock();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var watch = StartWatch(clock, "marker", ["--settle", "0", "--done-marker"], stop.Token);
        await clock.WaitForSleepAsync(watch);
        await SlowWriter.AppendAndCloseAsync(path, lines);
        await LooksAsync(clock, watch, 3);
        Assert.True(File.Exists(path), "loaded without its .done marker");

        await File.WriteAllBytesAsync(path + ".done", []);
        await LooksUntilAsync(clock, watch, () => !File.Exists(path));
        await StopAsync(stop, watch);
        Assert.False(File.Exists(path + ".done"), "the marker outlived its file");
        await AssertLoadedInFullAsync(Path.Combine(inbox, "processed", "marked.summary.json"), lines, "MARK");
    }

    private string Inbox(string name) => Directory.CreateDirectory(Path.Combine(_dir.Path, name)).FullName;

    private Task<CliResult> StartWatch(PollClock clock, string directory, string[] options, CancellationToken stop) =>
        RunTestSupport.RunCancellableAsync(_dir.Path, clock, stop, ["watch", directory, "--database-url", db.ConnectionString, .. options]);

    private static async Task LooksAsync(PollClock clock, Task<CliResult> watch, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await clock.NextLookAsync(watch);
        }
    }

    private static async Task LooksUntilAsync(PollClock clock, Task<CliResult> watch, Func<bool> condition)
    {
        for (var i = 0; i < 10 && !condition(); i++)
        {
            await clock.NextLookAsync(watch);
        }

        Assert.True(condition(), "not loaded within 10 looks of the writer's end");
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task<CliResult> watch)
    {
        await stop.CancelAsync();
        var result = await watch;
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("failed", result.Stdout);
    }

    /// <summary>The summary is of the whole file, and the database holds that file's loaded rows and no others of its ids.</summary>
    private async Task AssertLoadedInFullAsync(string summaryPath, string[] lines, string prefix)
    {
        var summary = JsonSerializer.Deserialize(File.ReadAllText(summaryPath), FileSummaryJsonContext.Default.FileSummary)!;
        Assert.Equal(lines.Length - 1, summary.RowsTotal);
        Assert.Equal(SlowWriter.Sha256(lines), summary.Sha256);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE @prefix", connection);
        count.Parameters.AddWithValue("prefix", prefix + "-%");
        Assert.Equal(summary.RowsLoaded, (long)(await count.ExecuteScalarAsync())!);
        Assert.True(summary.RowsLoaded > 250, $"{summary.RowsLoaded} rows loaded");
    }
}
