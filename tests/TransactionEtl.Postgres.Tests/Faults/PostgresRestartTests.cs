using TransactionEtl.Core;
using TransactionEtl.Postgres.Tests.Loading;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Postgres.Tests.Faults;

/// <summary>
/// <c>pg_ctl restart -m fast</c> in the middle of a load. On a cluster of its own: a restart cuts every session
/// of the shared test cluster, which other test classes use at the same time.
/// </summary>
public sealed class PostgresRestartTests
{
    [Fact]
    public async Task Restarting_postgres_during_a_load_fails_it_as_transient_and_a_rerun_loads_it_once()
    {
        const int Rows = 200_000;
        using var scratch = new ScratchDirectory("txetl-fault-restart-");
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
        try
        {
            await postgres.EnsureStartedAsync();
            var connectionString = postgres.GetConnectionString();
            await DatabaseMigrator.MigrateAsync(connectionString, CancellationToken.None);
            await using var t = new LoaderTestSupport(connectionString);
            var path = await t.WriteSampleAsync("restart.csv", Rows, seed: 901);
            var activity = new ServerActivity(connectionString);

            var load = Task.Run(() => t.LoadAsync(path));
            await activity.WaitForSessionAsync(ServerActivity.Copying, "COPY", () => load.IsCompleted ? "the load ended first" : null);
            await postgres.RestartAsync();

            var failure = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => load);
            Assert.True(failure.IsTransient, failure.ToString());
            // Pooled connections of the data source died with the old server.
            t.DataSource.Clear();
            // 'failed' when the loader could record it from a fresh connection while the server came back,
            // otherwise 'loading' with no live session, which the next attempt takes over.
            var status = await t.ScalarAsync<string>("SELECT status FROM txetl.ingestion_files WHERE source_path = @p", ("p", path));
            Assert.Contains(status, new[] { "failed", "loading" });
            Assert.Equal(0L, await t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions"));

            var rerun = await t.LoadAsync(path);

            Assert.Equal(FileStatus.Loaded, rerun.Status);
            Assert.Equal(Rows, rerun.RowsLoaded);
            await t.AssertAccountingAsync(rerun);
            Assert.Equal(2, await t.ScalarAsync<int>("SELECT attempt FROM txetl.ingestion_files WHERE file_id = @id", ("id", LoaderTestSupport.Id(rerun))));
            Assert.Equal(1L, await t.ScalarAsync<long>("SELECT count(*) FROM txetl.ingestion_files"));
            Assert.Equal((long)Rows, await t.ScalarAsync<long>("SELECT count(DISTINCT transaction_id) FROM txetl.transactions WHERE transaction_id LIKE 'TX901-%'"));
            FaultScenarios.Measured("pg-restart", files: 1, rows: Rows, faults: 1, rowsLost: Rows - rerun.RowsLoaded);
        }
        finally
        {
            await postgres.StopAsync();
        }
    }
}
