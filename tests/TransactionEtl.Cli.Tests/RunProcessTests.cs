using System.Diagnostics;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

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

        using var a = CliTestHost.StartProcess(null, null, "run", "--database-url", db.ConnectionString, "--json", file);
        using var b = CliTestHost.StartProcess(null, null, "run", "--database-url", db.ConnectionString, "--json", file);
        var results = await Task.WhenAll(CliTestHost.WaitAsync(a), CliTestHost.WaitAsync(b));

        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
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
        Assert.Equal(fileId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), summary.FileId);
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
