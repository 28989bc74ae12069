using System.Diagnostics;
using System.Globalization;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Tests.Loading;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;
using Xunit.Abstractions;

namespace TransactionEtl.Postgres.Tests.Faults;

/// <summary>One file delivered many times at once, and many small files in a row (in-process loaders, one data source each).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class LoadVolumeTests(PostgresFixture db, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly LoaderTestSupport _t = new(db.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xunit 2 did not dispose the latter here (its temp directories stayed).
    public Task DisposeAsync() => _t.DisposeAsync().AsTask();

    [Fact]
    public async Task One_file_delivered_ten_times_at_once_is_loaded_once_and_nine_times_answered_already_loaded()
    {
        const int Rows = 20_000;
        const int Deliveries = 10;
        var path = await _t.WriteSampleAsync("ten-times.csv", Rows, seed: 904, faultRate: 0.01);
        var loaders = Enumerable.Range(0, Deliveries).Select(_ => new LoaderTestSupport(db.ConnectionString)).ToArray();
        FileSummary[] results;
        try
        {
            // Half hash the file first (as txetl run does) and may answer before streaming; half stream it and find
            // the loaded twin at commit time. A guard, not a timing assertion: a deadlock fails instead of hanging.
            results = await Task.WhenAll(loaders.Select((l, i) => Task.Run(() => l.LoadAsync(path, preHash: i % 2 == 0))))
                .WaitAsync(TimeSpan.FromMinutes(5));
        }
        finally
        {
            foreach (var loader in loaders)
            {
                await loader.DisposeAsync();
            }
        }

        var loaded = Assert.Single(results, r => r.Status == FileStatus.LoadedWithRejects);
        Assert.Equal(Deliveries - 1, results.Count(r => r.Status == FileStatus.AlreadyLoaded));
        Assert.All(results, r => Assert.Equal(loaded.FileId, r.FileId));
        await _t.AssertAccountingAsync(loaded);
        var id = LoaderTestSupport.Id(loaded);
        Assert.Equal(loaded.RowsLoaded, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX904-%'"));
        Assert.Equal((long)Deliveries, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.ingestion_files WHERE source_path = @p", ("p", path)));
        Assert.Equal(Deliveries - 1L, await _t.ScalarAsync<long>(
            "SELECT count(*) FROM txetl.ingestion_files WHERE source_path = @p AND status = 'already_loaded' AND duplicate_of = @id", ("p", path), ("id", id)));
        FaultScenarios.Measured("one-file-ten-times", files: Deliveries, rows: Rows, faults: 0,
            rowsLost: loaded.RowsTotal - loaded.RowsLoaded - loaded.RowsRejected - loaded.RowsDuplicate);
    }

    [Fact]
    public async Task Two_thousand_small_files_in_sequence_are_each_loaded_once_and_the_rate_is_reported()
    {
        const int Files = 2_000;
        const int RowsPerFile = 5;
        const int Window = 200;
        var paths = new string[Files];
        for (var f = 0; f < Files; f++)
        {
            paths[f] = _t.WriteFile(string.Create(CultureInfo.InvariantCulture, $"small-{f:D4}.csv"), "");
            TransactionCsv.Write(paths[f], Enumerable.Range(1, RowsPerFile).Select(r => TransactionCsv.Row(string.Create(CultureInfo.InvariantCulture, $"SEQ-{f:D4}-{r}"))));
        }

        var seconds = new double[Files];
        var total = Stopwatch.StartNew();
        for (var f = 0; f < Files; f++)
        {
            var started = Stopwatch.GetTimestamp();
            var summary = await _t.LoadAsync(paths[f], preHash: true);
            seconds[f] = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Assert.True(summary.Status == FileStatus.Loaded && summary.RowsLoaded == RowsPerFile, $"{paths[f]}: {summary}");
        }
        total.Stop();

        // Figures for docs/reliability.md ("measured"); no assertion on them (the machine is shared).
        var first = Window / seconds[..Window].Sum();
        var last = Window / seconds[^Window..].Sum();
        var windows = string.Join(" ", Enumerable.Range(0, Files / Window)
            .Select(w => (Window / seconds[(w * Window)..((w + 1) * Window)].Sum()).ToString("0.0", CultureInfo.InvariantCulture)));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Files} files x {RowsPerFile} rows in {total.Elapsed.TotalSeconds:0.0} s: {Files / total.Elapsed.TotalSeconds:0.0} files/s overall; " +
            $"first {Window}: {first:0.0} files/s, last {Window}: {last:0.0} files/s (last/first {last / first:0.00}); per {Window}: {windows}"));
        Assert.Equal((long)Files, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.ingestion_files WHERE status = 'loaded' AND source_path LIKE '%/small-%.csv'"));
        Assert.Equal((long)Files * RowsPerFile, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'SEQ-%'"));
        Assert.Equal((long)Files * RowsPerFile, await _t.ScalarAsync<long>("SELECT sum(rows_loaded)::bigint FROM txetl.ingestion_files WHERE source_path LIKE '%/small-%.csv'"));
        var lost = Files * RowsPerFile - await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'SEQ-%'");
        FaultScenarios.Measured("two-thousand-files", files: Files, rows: Files * RowsPerFile, faults: 0, rowsLost: lost);
    }
}
