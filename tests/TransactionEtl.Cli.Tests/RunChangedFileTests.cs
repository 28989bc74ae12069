using Npgsql;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// <c>txetl run</c> on a file a writer changes mid-load. To change it at a known point, the test holds the advisory lock
/// the loader takes on the content's hash right before commit: the load reads the whole file, then waits on that lock,
/// and the writer changes the file then. The load must fail with <c>file changed while loading</c> and store nothing.
/// </summary>
public sealed class RunChangedFileTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-run-changed-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_file_appended_to_before_commit_fails_and_nothing_is_committed()
    {
        var path = Path.Combine(_dir.Path, "appended.csv");
        var result = await RunWhileChangingAsync(path, "CHGA", () => SlowWriter.AppendAndCloseAsync(path, [Row("CHGA-99999999")]));

        Assert.Contains("file changed while loading (the size went from", result.Stdout);
        await AssertNothingStoredAsync("CHGA");
    }

    [Fact]
    public async Task A_file_rewritten_in_place_with_its_old_time_fails_on_its_hash_and_nothing_is_committed()
    {
        var path = Path.Combine(_dir.Path, "rewritten.csv");
        var result = await RunWhileChangingAsync(path, "CHGB", async () =>
        {
            // Same size, and the last write time set back, as cp -p or rsync -t leave it: only the content tells.
            var time = File.GetLastWriteTimeUtc(path);
            var bytes = await File.ReadAllBytesAsync(path);
            var at = Array.LastIndexOf(bytes, (byte)'C');
            bytes[at] = (byte)'D';
            await File.WriteAllBytesAsync(path, bytes);
            File.SetLastWriteTimeUtc(path, time);
        });

        Assert.Contains("file changed while loading (the content's SHA-256 is now", result.Stdout);
        await AssertNothingStoredAsync("CHGB");
    }

    /// <summary>Runs <c>txetl run</c> on a fresh file and calls <paramref name="change"/> while the load waits to commit.</summary>
    private async Task<CliResult> RunWhileChangingAsync(string path, string prefix, Func<Task> change)
    {
        var lines = RunTestSupport.SampleLines(prefix);
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllBytesAsync(path, SlowWriter.Bytes(lines));

        await using var holder = new NpgsqlConnection(db.ConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "SELECT pg_advisory_xact_lock(hashtextextended('txetl:sha256:' || @p, 0))", SlowWriter.Sha256(lines));
        var run = RunTestSupport.RunAsync(_dir.Path, "run", path, "--lock-timeout", "600", "--database-url", db.ConnectionString);
        while (await ExecuteAsync(holder, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", null) == 0)
        {
            Assert.False(run.IsCompleted, "the load ended without waiting to commit: " + (run.IsCompleted ? (await run).Stdout : ""));
            await Task.Delay(20);
        }

        await change();
        await transaction.RollbackAsync();
        var result = await run;
        Assert.Equal(1, result.ExitCode);
        return result;
    }

    /// <summary>No row of the file's ids, and every ledger row of this class's database says failed.</summary>
    private async Task AssertNothingStoredAsync(string prefix)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(0, await ExecuteAsync(connection, "SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE @p || '-%'", prefix));
        Assert.Equal(0, await ExecuteAsync(connection, "SELECT count(*) FROM txetl.ingestion_files WHERE status <> 'failed'", null));
    }

    private static async Task<long> ExecuteAsync(NpgsqlConnection connection, string sql, string? value)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (value is not null)
        {
            command.Parameters.AddWithValue("p", value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Row(string id) => $"{id},2023-10-24,ACC-1,Shop,groceries,10.00,EUR,DE,,";
}
