using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Postgres.Tests.Loading;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Postgres.Tests.Faults;

/// <summary>Faults on the loader's own session: its backend terminated mid-COPY, a table lock held past the lock timeout.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class DatabaseFaultTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly LoaderTestSupport _t = new(db.ConnectionString);
    private readonly ServerActivity _activity = new(db.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xunit 2 did not dispose the latter here (its temp directories stayed).
    public Task DisposeAsync() => _t.DisposeAsync().AsTask();

    [Fact]
    public async Task Terminating_the_loaders_backend_during_copy_fails_the_load_as_transient_and_the_retry_loads_it_once()
    {
        const int Rows = 200_000;
        var path = await _t.WriteSampleAsync("terminated.csv", Rows, seed: 902, faultRate: 0.01);

        var load = Task.Run(() => _t.LoadAsync(path));
        var pid = await _activity.WaitForSessionAsync(ServerActivity.Copying, "COPY", () => load.IsCompleted ? "the load ended first" : null);
        Assert.True(await _activity.ScalarAsync<bool>("SELECT pg_terminate_backend(@pid)", ("pid", pid)));

        var failure = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => load);
        Assert.True(failure.IsTransient, failure.ToString());
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        var fileId = await _t.ScalarAsync<long>("SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p", ("p", path));
        Assert.Equal("failed", await _t.ScalarAsync<string>("SELECT status FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId)));
        Assert.Equal(0L, await _t.CountAsync("transactions", fileId));
        Assert.Equal(0L, await _t.CountAsync("rejected_rows", fileId));

        var retry = await _t.LoadAsync(path);

        Assert.Equal(FileStatus.LoadedWithRejects, retry.Status);
        Assert.Equal(fileId, LoaderTestSupport.Id(retry));
        Assert.Equal(Rows, retry.RowsTotal);
        await _t.AssertAccountingAsync(retry);
        Assert.Equal(2, await _t.ScalarAsync<int>("SELECT attempt FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId)));
        Assert.Equal(retry.RowsLoaded, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX902-%'"));
        FaultScenarios.Measured("backend-terminated", files: 1, rows: Rows, faults: 1,
            rowsLost: retry.RowsTotal - retry.RowsLoaded - retry.RowsRejected - retry.RowsDuplicate);
    }

    [Fact]
    public async Task A_lock_on_transactions_held_past_the_lock_timeout_fails_the_load_as_transient_and_the_retry_loads_it()
    {
        const int Rows = 5_000;
        var path = await _t.WriteSampleAsync("locked.csv", Rows, seed: 903);
        LoadRequest Request(Stream content) => new()
        {
            Source = SourceIdentity.ForLocalFile(path),
            Content = content,
            LockTimeout = TimeSpan.FromSeconds(1),
        };

        TransactionEtlException failure;
        await using (var holder = await LockHolder.HoldAsync(db.ConnectionString, "LOCK TABLE txetl.transactions IN ACCESS EXCLUSIVE MODE"))
        {
            await using var content = File.OpenRead(path);
            var load = Task.Run(() => _t.Loader.LoadAsync(Request(content), CancellationToken.None));
            // The loader really waited on this lock (not failed for another reason), seen from the server.
            await _activity.WaitForSessionAsync(ServerActivity.BlockedBy(holder.Pid), "waiting for the table lock",
                () => load.IsCompleted ? "the load ended first" : null);
            failure = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => load);
        }

        Assert.True(failure.IsTransient, failure.ToString());
        Assert.Contains("lock timeout (1 s;", failure.Message, StringComparison.Ordinal);
        Assert.Contains("55P03", failure.Message, StringComparison.Ordinal);
        Assert.Contains("txetl.transactions", failure.Message, StringComparison.Ordinal);
        var fileId = await _t.ScalarAsync<long>("SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p", ("p", path));
        Assert.Equal("failed", await _t.ScalarAsync<string>("SELECT status FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId)));
        Assert.Contains("lock timeout", await _t.ScalarAsync<string>("SELECT error FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId)), StringComparison.Ordinal);
        Assert.Equal(0L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX903-%'"));

        await using var again = File.OpenRead(path);
        var retry = await _t.Loader.LoadAsync(Request(again), CancellationToken.None);

        Assert.Equal(FileStatus.Loaded, retry.Status);
        Assert.Equal(fileId, LoaderTestSupport.Id(retry));
        await _t.AssertAccountingAsync(retry);
        Assert.Equal((long)Rows, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX903-%'"));
        FaultScenarios.Measured("lock-timeout", files: 1, rows: Rows, faults: 1, rowsLost: Rows - retry.RowsLoaded);
    }

    [Fact]
    public async Task A_load_that_waits_longer_than_the_connections_command_timeout_still_loads()
    {
        // Regression: the loader's commands used the connection's CommandTimeout (Npgsql default 30 s, and txetl
        // run passes the URL as given), so a second `txetl run` waiting for the first to load a large file failed
        // after 30 s with "Exception while reading from stream". Here the timeout is 1 s and the wait longer.
        const int Rows = 1_000;
        var path = await _t.WriteSampleAsync("slow-wait.csv", Rows, seed: 905);
        var shortTimeout = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { CommandTimeout = 1 }.ConnectionString;
        await using var t = new LoaderTestSupport(shortTimeout);

        FileSummary summary;
        await using (var holder = await LockHolder.HoldAsync(db.ConnectionString, "LOCK TABLE txetl.ingestion_files IN SHARE ROW EXCLUSIVE MODE"))
        {
            var load = Task.Run(() => t.LoadAsync(path));
            await _activity.WaitForSessionAsync(ServerActivity.BlockedBy(holder.Pid), "waiting to write its ledger row",
                () => load.IsCompleted ? "the load ended first" : null);
            await Task.Delay(TimeSpan.FromSeconds(3)); // longer than the command timeout; not a timing assertion
            Assert.False(load.IsCompleted, "the load gave up while it waited");
            await holder.ReleaseAsync();
            summary = await load;
        }

        Assert.Equal(FileStatus.Loaded, summary.Status);
        await _t.AssertAccountingAsync(summary);
        FaultScenarios.Measured("long-wait", files: 1, rows: Rows, faults: 1, rowsLost: Rows - summary.RowsLoaded);
    }

    [Fact]
    public void The_lock_timeout_defaults_to_30_seconds_and_refuses_negative_values()
    {
        var request = new LoadRequest { Source = SourceIdentity.ForLocalFile("/data/a.csv"), Content = Stream.Null };

        Assert.Equal(TimeSpan.FromSeconds(30), request.LockTimeout);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoadRequest
        {
            Source = SourceIdentity.ForLocalFile("/data/a.csv"), Content = Stream.Null, LockTimeout = TimeSpan.FromSeconds(-1),
        });
    }
}
