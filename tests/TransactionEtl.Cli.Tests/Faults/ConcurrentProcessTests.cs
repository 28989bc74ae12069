using System.Globalization;
using TransactionEtl.Core;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Cli.Tests.Faults;

/// <summary>Several <c>txetl run</c> OS processes loading many files that share transaction ids, all at once.</summary>
public sealed class ConcurrentProcessTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-concurrent-test-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Four_processes_loading_forty_files_with_shared_ids_at_once_load_each_file_once_and_reconcile()
    {
        const int Files = 40, Processes = 4, OwnRows = 200, SharedPerFile = 40, SharedPool = 100, InvalidPerFile = 10;
        const int RowsPerFile = OwnRows + SharedPerFile + InvalidPerFile;
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        var random = new Random(4040);
        var paths = new List<string>();
        var validOccurrences = 0;
        var expectedIds = new HashSet<string>(StringComparer.Ordinal);
        for (var f = 0; f < Files; f++)
        {
            var rows = new List<string>();
            for (var i = 0; i < OwnRows; i++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"CP{f:D2}-{i:D4}");
                rows.Add(TransactionCsv.Row(id));
                expectedIds.Add(id);
            }
            // Shared ids in a different order in every file: concurrent inserts take their row locks in different orders.
            foreach (var j in Enumerable.Range(0, SharedPool).OrderBy(_ => random.Next()).Take(SharedPerFile))
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"CPSHARED-{j:D3}");
                // The same content in every file: a shared id is stored once, and duplicate-existing elsewhere (other content
                // would be a key-conflict).
                rows.Add(TransactionCsv.Row(id, "1.00"));
                expectedIds.Add(id);
            }
            rows.AddRange(Enumerable.Range(0, InvalidPerFile).Select(k => TransactionCsv.InvalidRow(string.Create(CultureInfo.InvariantCulture, $"CP{f:D2}-BAD{k}"))));
            validOccurrences += OwnRows + SharedPerFile;
            var path = Path.Combine(work, string.Create(CultureInfo.InvariantCulture, $"batch-{f:D2}.csv"));
            TransactionCsv.Write(path, rows.OrderBy(_ => random.Next()));
            paths.Add(path);
        }

        List<CliResult> results;
        await using (var processes = new ChildProcesses())
        {
            // Every process gets every file, starting at its own quarter: 160 deliveries of 40 files.
            var started = Enumerable.Range(0, Processes)
                .Select(p => processes.Start(["run", "--database-url", db.ConnectionString, "--json",
                    .. paths.Skip(p * Files / Processes).Concat(paths.Take(p * Files / Processes))]))
                .ToList();
            // A guard, not a timing assertion: a deadlock or hang fails the test instead of stalling the suite.
            results = (await Task.WhenAll(started.Select(CliTestHost.WaitAsync)).WaitAsync(TimeSpan.FromMinutes(5))).ToList();
        }

        Assert.All(results, r => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}\n{r.Stdout}"));
        var summaries = results.SelectMany(r => RunTestSupport.Summaries(r.Stdout)).ToList();
        Assert.Equal(Files * Processes, summaries.Count);
        var loaded = new List<FileSummary>();
        foreach (var group in summaries.GroupBy(s => s.File, StringComparer.Ordinal))
        {
            var deliveries = group.ToList();
            Assert.Equal(Processes, deliveries.Count);
            var load = Assert.Single(deliveries, s => s.Status == FileStatus.LoadedWithRejects);
            Assert.Equal(Processes - 1, deliveries.Count(s => s.Status == FileStatus.AlreadyLoaded && s.FileId == load.FileId));
            Assert.Equal(RowsPerFile, load.RowsTotal);
            Assert.Equal(InvalidPerFile, load.RowsRejected);
            Assert.Equal(load.RowsTotal, load.RowsLoaded + load.RowsRejected + load.RowsDuplicate);
            loaded.Add(load);
        }

        Assert.Equal(Files, loaded.Count);
        long generated = Files * RowsPerFile;
        Assert.Equal(generated, loaded.Sum(s => s.RowsLoaded + s.RowsDuplicate + s.RowsRejected));
        Assert.Equal(expectedIds.Count, loaded.Sum(s => s.RowsLoaded));
        Assert.Equal(validOccurrences - expectedIds.Count, loaded.Sum(s => s.RowsDuplicate));
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await using (var connection = new Npgsql.NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT transaction_id FROM txetl.transactions WHERE transaction_id LIKE 'CP%'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Assert.True(stored.Add(reader.GetString(0)), "stored twice: " + reader.GetString(0));
            }
        }
        Assert.True(expectedIds.SetEquals(stored), $"stored {stored.Count} ids, expected {expectedIds.Count}");
        var activity = new ServerActivity(db.ConnectionString);
        Assert.Equal(0L, await activity.ScalarAsync<long>("SELECT count(*) FROM txetl.ingestion_files WHERE status IN ('loading', 'failed')"));
        // Every rejected and duplicate row is kept with its raw text.
        Assert.Equal(loaded.Sum(s => s.RowsRejected + s.RowsDuplicate), await activity.ScalarAsync<long>(
            "SELECT count(*) FROM txetl.rejected_rows r JOIN txetl.ingestion_files f USING (file_id) WHERE f.source_path LIKE @dir",
            ("dir", work + "/%")));
        FaultScenarios.Measured("four-processes-forty-files", files: Files * Processes, rows: generated, faults: 0,
            rowsLost: generated - loaded.Sum(s => s.RowsLoaded + s.RowsDuplicate + s.RowsRejected));
    }
}
