using System.Diagnostics;
using System.Globalization;
using TransactionEtl.Core;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Cli.Tests.Faults;

/// <summary>
/// <c>txetl run</c> as an OS process, SIGKILLed at each stage of a load (SIGKILL during COPY is in
/// <see cref="RunProcessTests"/>). The test stops the load at the stage with a lock it holds, sees from the server
/// that the process is there, kills it, and checks that nothing was stored and that a rerun loads the file once.
/// </summary>
public sealed class ProcessKillTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private const int Rows = 2_000;

    private readonly ScratchDirectory _dir = new("txetl-kill-test-");
    private readonly ServerActivity _activity = new(db.ConnectionString);

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("waiting-for-source-lock")]
    [InlineData("after-ledger-row")]
    [InlineData("during-merge")]
    [InlineData("at-ledger-update")]
    public async Task Sigkill_at_each_stage_leaves_nothing_and_a_rerun_loads_the_file_once(string stage)
    {
        var work = Directory.CreateDirectory(Path.Combine(_dir.Path, stage)).FullName;
        var file = Path.Combine(work, "killed.csv");
        var prefix = "KILL-" + stage + "-";
        string Id(int i) => prefix + i.ToString("D5", CultureInfo.InvariantCulture);
        TransactionCsv.Write(file, Enumerable.Range(1, Rows).Select(i => TransactionCsv.Row(Id(i))));
        await using var processes = new ChildProcesses();
        var holders = new List<LockHolder>();
        Process Start() => processes.Start("run", "--database-url", db.ConnectionString, "--json", file);
        async Task<LockHolder> HoldAsync(string sql, params (string, object)[] parameters)
        {
            var holder = await LockHolder.HoldAsync(db.ConnectionString, sql, parameters);
            holders.Add(holder);
            return holder;
        }
        static string? Exited(Process process) => process.HasExited ? $"txetl exited with code {process.ExitCode}" : null;

        try
        {
            if (stage == "waiting-for-source-lock")
            {
                await KillWhileWaitingForTheSourceLockAsync(Start, HoldAsync, file, prefix);
                return;
            }

            int victimPid;
            long? fileId;
            Process victim;
            if (stage == "during-merge")
            {
                var row = await HoldAsync(InsertConflictingRow, ("id", Id(Rows)));
                victim = Start();
                victimPid = await _activity.WaitForSessionAsync(
                    ServerActivity.BlockedBy(row.Pid) + " AND " + ServerActivity.HasWrittenTransactions,
                    "written to transactions, waiting on the test's uncommitted row", () => Exited(victim));
                fileId = await LoadingFileIdAsync(file);
            }
            else
            {
                // Stopped right after its ledger row, waiting for the table the test holds.
                var table = await HoldAsync("LOCK TABLE txetl.transactions IN ACCESS EXCLUSIVE MODE");
                victim = Start();
                victimPid = await _activity.WaitForSessionAsync(ServerActivity.BlockedBy(table.Pid), "blocked after its ledger row", () => Exited(victim));
                fileId = await LoadingFileIdAsync(file);
                if (stage == "at-ledger-update")
                {
                    Assert.NotNull(fileId);
                    var ledgerRow = await HoldAsync("SELECT 1 FROM txetl.ingestion_files WHERE file_id = @id FOR NO KEY UPDATE", ("id", fileId.Value));
                    await table.ReleaseAsync();
                    victimPid = await _activity.WaitForSessionAsync(
                        ServerActivity.BlockedBy(ledgerRow.Pid) + " AND " + ServerActivity.HasWrittenTransactions,
                        "written to transactions, waiting to update its ledger row", () => Exited(victim));
                }
                else if (stage != "after-ledger-row")
                {
                    throw new ArgumentOutOfRangeException(nameof(stage), stage, null);
                }
            }
            Assert.NotNull(fileId);

            victim.Kill(); // SIGKILL: no handler runs and no rollback is sent; the server must clean up alone.
            await victim.WaitForExitAsync();
            await _activity.WaitUntilEndedAsync(victimPid);
            foreach (var holder in holders)
            {
                await holder.ReleaseAsync();
            }

            Assert.Equal(0L, await CountAsync("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE @p", ("p", prefix + "%")));
            Assert.Equal(0L, await CountAsync("SELECT count(*) FROM txetl.transactions WHERE file_id = @id", ("id", fileId.Value)));
            Assert.Equal("loading", await _activity.ScalarAsync<string>("SELECT status FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId.Value)));

            var rerun = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--json", file);

            Assert.True(rerun.ExitCode == 0, $"rerun after a kill at {stage}: {rerun.Stderr}{rerun.Stdout}");
            var summary = Assert.Single(RunTestSupport.Summaries(rerun.Stdout));
            Assert.Equal(FileStatus.Loaded, summary.Status);
            Assert.Equal(fileId.Value, summary.FileId);
            Assert.Equal(Rows, summary.RowsLoaded);
            Assert.Equal(summary.RowsTotal, summary.RowsLoaded + summary.RowsRejected + summary.RowsDuplicate);
            Assert.Equal(2, await _activity.ScalarAsync<int>("SELECT attempt FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId.Value)));
            Assert.Equal((long)Rows, await CountAsync("SELECT count(*) FROM txetl.transactions WHERE file_id = @id", ("id", fileId.Value)));
            Assert.Equal(1L, await CountAsync("SELECT count(*) FROM txetl.ingestion_files WHERE source_path = @p", ("p", file)));
            FaultScenarios.Measured("kill-" + stage, files: 1, rows: Rows, faults: 1, rowsLost: Rows - summary.RowsLoaded);
        }
        finally
        {
            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }
        }
    }

    private Task<long?> LoadingFileIdAsync(string file) => _activity.ScalarAsync<long?>(
        "SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p AND status = 'loading'", ("p", file));

    /// <summary>An uncommitted row with one of the file's ids: the loader's write into transactions waits on it.</summary>
    private const string InsertConflictingRow =
        "INSERT INTO txetl.transactions (transaction_id, occurred_at, account_id, category, currency, country, price_includes_tax, " +
        "net_amount, tax_amount, gross_amount, tax_rate, tax_rule_id, file_id, source_line) " +
        "VALUES (@id, now(), 'ACC-HOLDER', 'books', 'EUR', 'FR', false, 1, 0, 1, 0, 'test-holder', -1, 1)";

    /// <summary>
    /// A second process on the same file waits for the first (which holds the source lock); the second is killed,
    /// the first then loads the file, and a rerun answers already_loaded.
    /// </summary>
    private async Task KillWhileWaitingForTheSourceLockAsync(
        Func<Process> start, Func<string, (string, object)[], Task<LockHolder>> holdAsync, string file, string prefix)
    {
        // The first process takes the source lock, then waits to insert its ledger row (the test holds the
        // ledger table); this wait is outside the load transaction, so the lock timeout does not end it.
        var ledger = await holdAsync("LOCK TABLE txetl.ingestion_files IN SHARE ROW EXCLUSIVE MODE", []);
        var first = start();
        var firstPid = await _activity.WaitForSessionAsync(ServerActivity.BlockedBy(ledger.Pid), "holding the source lock",
            () => first.HasExited ? $"the first txetl exited with code {first.ExitCode}" : null);
        var second = start();
        var secondPid = await _activity.WaitForSessionAsync(
            ServerActivity.WaitingForAdvisoryLock + " AND " + ServerActivity.BlockedBy(firstPid), "waiting for the source lock",
            () => second.HasExited ? $"the second txetl exited with code {second.ExitCode}" : null);
        second.Kill();
        await second.WaitForExitAsync();
        await _activity.WaitUntilEndedAsync(secondPid);
        await ledger.ReleaseAsync();

        var result = await CliTestHost.WaitAsync(first);

        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        var summary = Assert.Single(RunTestSupport.Summaries(result.Stdout));
        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal(1, await _activity.ScalarAsync<int>("SELECT attempt FROM txetl.ingestion_files WHERE source_path = @p", ("p", file)));
        // The killed waiter left nothing: no second ledger row, no rows.
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM txetl.ingestion_files WHERE source_path = @p", ("p", file)));
        Assert.Equal((long)Rows, await CountAsync("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE @p", ("p", prefix + "%")));

        var rerun = await RunTestSupport.RunAsync(Path.GetDirectoryName(file)!, "run", "--database-url", db.ConnectionString, "--json", file);

        Assert.Equal(0, rerun.ExitCode);
        Assert.Equal(FileStatus.AlreadyLoaded, Assert.Single(RunTestSupport.Summaries(rerun.Stdout)).Status);
        Assert.Equal((long)Rows, await CountAsync("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE @p", ("p", prefix + "%")));
        FaultScenarios.Measured("kill-waiting-for-source-lock", files: 1, rows: Rows, faults: 1, rowsLost: Rows - summary.RowsLoaded);
    }

    private async Task<long> CountAsync(string sql, params (string, object?)[] parameters) =>
        await _activity.ScalarAsync<long>(sql, parameters);
}
