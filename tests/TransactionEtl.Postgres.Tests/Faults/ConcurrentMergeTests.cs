using System.Globalization;
using System.Text;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Postgres.Tests.Loading;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;
using Xunit.Abstractions;

namespace TransactionEtl.Postgres.Tests.Faults;

/// <summary>Two loads writing the same ids into txetl.transactions at the same moment, in other orders.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class ConcurrentMergeTests(PostgresFixture db, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly LoaderTestSupport _t = new(db.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xunit 2 did not dispose the latter here (its temp directories stayed).
    public Task DisposeAsync() => _t.DisposeAsync().AsTask();

    [Fact]
    public async Task Two_files_with_the_same_ids_in_opposite_orders_written_at_the_same_moment_do_not_deadlock()
    {
        // Each write takes row locks in its own order; in opposite orders two writers wait for each other
        // (PostgreSQL aborts one with 40P01) unless the loader writes in a fixed order.
        const int Rows = 20_000;
        string Id(int i) => "DLK-" + i.ToString("D6", CultureInfo.InvariantCulture);
        var up = _t.WriteFile("deadlock-up.csv", "");
        var down = _t.WriteFile("deadlock-down.csv", "");
        TransactionCsv.Write(up, Enumerable.Range(1, Rows).Select(i => TransactionCsv.Row(Id(i), "1.00")));
        // The same rows in the other order: shared ids with identical content are duplicate-existing (other content would
        // be key-conflicts, rejected, which is not what this test is about).
        TransactionCsv.Write(down, Enumerable.Range(1, Rows).Reverse().Select(i => TransactionCsv.Row(Id(i), "1.00")));
        await using var other = new LoaderTestSupport(db.ConnectionString);
        var activity = new ServerActivity(db.ConnectionString);

        FileSummary[] results;
        // SHARE mode lets both loads read and stage but stops both at their first write into the table; the
        // release starts both writes at once.
        await using (var gate = await LockHolder.HoldAsync(db.ConnectionString, "LOCK TABLE txetl.transactions IN SHARE MODE"))
        {
            var loads = new[] { Task.Run(() => _t.LoadAsync(up)), Task.Run(() => other.LoadAsync(down)) };
            string? Ended() => loads.Any(l => l.IsCompleted) ? "a load ended before the gate opened" : null;
            var first = await activity.WaitForSessionAsync(ServerActivity.BlockedBy(gate.Pid), "first writer at the gate", Ended);
            await activity.WaitForSessionAsync($"{ServerActivity.BlockedBy(gate.Pid)} AND a.pid <> {first}", "second writer at the gate", Ended);
            await gate.ReleaseAsync();
            results = await Task.WhenAll(loads).WaitAsync(TimeSpan.FromMinutes(5));
        }

        await AssertEachIdStoredOnceAsync(results, Rows, "DLK-");
        FaultScenarios.Measured("opposite-order-writers", files: 2, rows: 2 * Rows, faults: 0,
            rowsLost: 2L * Rows - results.Sum(r => r.RowsLoaded + r.RowsDuplicate + r.RowsRejected));
    }

    [Fact]
    public async Task A_merge_that_postgres_aborts_in_a_deadlock_with_a_direct_copy_is_retried_and_both_files_load()
    {
        // The staging path inserts in key order, but the direct path's COPY takes row locks in file order. A merge
        // waiting for a key the COPY holds, while the COPY waits for a key the merge holds, is a deadlock; when
        // PostgreSQL aborts the merge (not the COPY, which falls back by itself), the load must not fail.
        const int Rows = 20_000;
        string Id(int i) => "MDX-" + i.ToString("D6", CultureInfo.InvariantCulture);
        byte[] Csv(IEnumerable<int> ids)
        {
            var text = new StringBuilder(LoaderTestSupport.Header).Append('\n');
            foreach (var i in ids)
            {
                text.Append(TransactionCsv.Row(Id(i), "3.00")).Append('\n');
            }
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        // Who is aborted: the first waiter whose deadlock_timeout runs out while the cycle exists. The merge
        // waits first; a short timeout for it and a long one for the COPY make the merge the one aborted, provided
        // the COPY is blocked within the merge's 5 s (it needs milliseconds once resumed).
        string With(string timeout) => new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = $"-c deadlock_timeout={timeout}" }.ConnectionString;
        await using var copySide = NpgsqlDataSource.Create(With("60s"));
        await using var mergeSide = NpgsqlDataSource.Create(With("5s"));
        var log = new RecordingLogger();
        var activity = new ServerActivity(db.ConnectionString);

        // Descending, seekable (so the direct path), and stopping half-way until the merge waits for it.
        var descending = Csv(Enumerable.Range(1, Rows).Reverse());
        await using var direct = new ContentStream(descending, seekable: true, pauseAt: descending.Length / 2);
        var copyLoad = Task.Run(() => new FileLoader(copySide).LoadAsync(Request("mdx-down.csv", direct), CancellationToken.None));
        await direct.Paused.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var copyPid = await activity.WaitForSessionAsync(ServerActivity.HasWrittenTransactions, "direct COPY holding the upper ids",
            () => copyLoad.IsCompleted ? "the direct load ended" : null);

        // Ascending and forward-only (so the staging path and its merge in key order).
        await using var staged = new ContentStream(Csv(Enumerable.Range(1, Rows)), seekable: false);
        var mergeLoad = Task.Run(() => new FileLoader(mergeSide, log).LoadAsync(Request("mdx-up.csv", staged), CancellationToken.None));
        await activity.WaitForSessionAsync(ServerActivity.BlockedBy(copyPid), "merge waiting for the direct COPY's ids",
            () => mergeLoad.IsCompleted ? "the staged load ended" : null);
        direct.Resume(); // the COPY now needs the lower ids, which the merge holds

        var results = await Task.WhenAll(copyLoad, mergeLoad).WaitAsync(TimeSpan.FromMinutes(5));

        var retries = log.Named("MergeDeadlockRetried").ToList();
        retries.ForEach(output.WriteLine);
        Assert.True(retries.Count > 0, "no merge retry was logged: the deadlock did not happen, or PostgreSQL aborted the COPY instead");
        await AssertEachIdStoredOnceAsync(results, Rows, "MDX-");
        FaultScenarios.Measured("merge-aborted-by-deadlock", files: 2, rows: 2 * Rows, faults: 1,
            rowsLost: 2L * Rows - results.Sum(r => r.RowsLoaded + r.RowsDuplicate + r.RowsRejected));

        static LoadRequest Request(string name, Stream content) => new()
        {
            Source = SourceIdentity.ForLocalFile("/deadlock/" + name),
            Content = content,
        };
    }

    /// <summary>Both files loaded, with their shared ids stored once and counted once as duplicate-existing.</summary>
    private async Task AssertEachIdStoredOnceAsync(FileSummary[] results, int rows, string idPrefix)
    {
        Assert.All(results, r => Assert.Equal(FileStatus.Loaded, r.Status));
        Assert.Equal(rows, results.Sum(r => r.RowsLoaded));
        Assert.Equal(rows, results.Sum(r => r.RowsDuplicate));
        foreach (var result in results)
        {
            await _t.AssertAccountingAsync(result);
        }
        Assert.Equal((long)rows, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE @p", ("p", idPrefix + "%")));
    }
}
