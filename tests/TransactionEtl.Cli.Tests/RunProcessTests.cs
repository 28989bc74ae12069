using System.Diagnostics;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Cli.Tests;

/// <summary><c>txetl run</c> as real OS processes: two at once, and one killed with SIGKILL mid-COPY.</summary>
public sealed class RunProcessTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-run-process-test-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Same_file_given_to_two_processes_at_once_is_loaded_once()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        var file = Path.Combine(work, "twice.csv");
        Assert.Equal(0, (await RunTestSupport.RunAsync(work, "sample", "--rows", "100000", "--seed", "811", file)).ExitCode);

        // The gate lets both processes connect and start their loads but stops the first writer at its COPY
        // (SHARE conflicts with the COPY's ROW EXCLUSIVE), while it holds the file's source lock. The gate opens
        // only once the server shows the other process waiting for that source lock, blocked by the writer:
        // both processes are then inside their load at the same time. The lock timeout is raised so that a slow
        // process start cannot fail the writer waiting at the gate.
        CliResult[] results;
        var activity = new ServerActivity(db.ConnectionString);
        await using (var gate = await LockHolder.HoldAsync(db.ConnectionString, "LOCK TABLE txetl.transactions IN SHARE MODE"))
        {
            using var a = CliTestHost.StartProcess(null, null, "run", "--database-url", db.ConnectionString, "--lock-timeout", "600", "--json", file);
            using var b = CliTestHost.StartProcess(null, null, "run", "--database-url", db.ConnectionString, "--lock-timeout", "600", "--json", file);
            var waits = Task.WhenAll(CliTestHost.WaitAsync(a), CliTestHost.WaitAsync(b));
            string? Exited() => waits.IsCompleted || a.HasExited || b.HasExited ? "a process exited before the gate opened" : null;
            var writer = await activity.WaitForSessionAsync(ServerActivity.BlockedBy(gate.Pid), "one process's COPY at the gate", Exited);
            await activity.WaitForSessionAsync($"{ServerActivity.WaitingForAdvisoryLock} AND {ServerActivity.BlockedBy(writer)}",
                "the other process waiting for the source lock the first holds", Exited);
            Assert.False(a.HasExited || b.HasExited, "a process exited while the gate was closed");
            await gate.ReleaseAsync();
            results = await waits;
        }

        Assert.All(results, r => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}"));
        var statuses = results.Select(r => Assert.Single(RunTestSupport.Summaries(r.Stdout)).Status).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { FileStatus.AlreadyLoaded, FileStatus.Loaded }, statuses);
        Assert.Equal(100_000L, await ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX811-%'"));
    }

    [Fact]
    public async Task Sigkill_in_the_middle_of_the_copy_leaves_no_rows_and_a_rerun_loads_the_file_completely()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        var file = Path.Combine(work, "killed.csv");
        const int Rows = 400_000;
        Assert.Equal(0, (await RunTestSupport.RunAsync(work, "sample", "--rows", Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "812", file)).ExitCode);

        using var process = CliTestHost.StartProcess(null, null, "run", "--database-url", db.ConnectionString, file);
        long? fileId = null;
        var watch = Stopwatch.StartNew();
        while (fileId is null && watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (process.HasExited)
            {
                Assert.Fail("txetl finished before it could be killed mid-COPY: " + await process.StandardError.ReadToEndAsync());
            }

            var loading = await ScalarAsync<long?>("SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p AND status = 'loading'", ("p", file));
            var copying = await ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY %'");
            if (loading is not null && copying > 0)
            {
                fileId = loading;
            }
            else
            {
                await Task.Delay(20);
            }
        }

        Assert.NotNull(fileId);
        process.Kill(); // SIGKILL: no handler runs, no rollback is sent; the server must clean up alone.
        await process.WaitForExitAsync();
        await WaitUntilAsync(async () => await ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY %'") == 0);

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE file_id = @id", ("id", fileId.Value)));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX812-%'"));
        Assert.Equal("loading", await ScalarAsync<string>("SELECT status FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId.Value)));

        var rerun = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--json", file);

        Assert.Equal(0, rerun.ExitCode);
        var summary = Assert.Single(RunTestSupport.Summaries(rerun.Stdout));
        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal(fileId.Value, summary.FileId);
        Assert.Equal(Rows, summary.RowsLoaded);
        Assert.Equal((long)Rows, await ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE file_id = @id", ("id", fileId.Value)));
        Assert.Equal(2, await ScalarAsync<int>("SELECT attempt FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId.Value)));
    }

    private async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is DBNull or null ? default! : (T)result;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the server kept the killed session's COPY for 30 s");
    }
}
