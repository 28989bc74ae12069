using System.Globalization;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Tests.Loading;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Postgres.Tests.Faults;

/// <summary>Two loads writing the same ids into txetl.transactions at the same moment, in opposite orders.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class ConcurrentMergeTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
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
        TransactionCsv.Write(down, Enumerable.Range(1, Rows).Reverse().Select(i => TransactionCsv.Row(Id(i), "2.00")));
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

        Assert.All(results, r => Assert.Equal(FileStatus.Loaded, r.Status));
        Assert.Equal(Rows, results.Sum(r => r.RowsLoaded));
        Assert.Equal(Rows, results.Sum(r => r.RowsDuplicate));
        foreach (var result in results)
        {
            await _t.AssertAccountingAsync(result);
        }
        Assert.Equal((long)Rows, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'DLK-%'"));
        FaultScenarios.Measured("opposite-order-writers", files: 2, rows: 2 * Rows, faults: 0,
            rowsLost: 2L * Rows - results.Sum(r => r.RowsLoaded + r.RowsDuplicate + r.RowsRejected));
    }
}
