using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Cli.Tests;

/// <summary><c>txetl run</c> on real argv against the fixture's PostgreSQL (one database for the class).</summary>
public sealed class RunCommandTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-run-test-");

    public void Dispose() => _dir.Dispose();

    private string Work => Directory.CreateDirectory(_dir.Path).FullName;

    [Fact]
    public async Task Json_prints_one_array_of_summaries_and_a_second_run_is_already_loaded()
    {
        var sample = Path.Combine(RunTestSupport.SamplesDirectory, "transactions.csv");

        var first = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--json", sample);
        var second = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--json", sample);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal("", first.Stderr);
        var summary = Assert.Single(RunTestSupport.Summaries(first.Stdout));
        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.Equal(sample, summary.File);
        Assert.Equal(300, summary.RowsTotal);
        Assert.Equal(summary.RowsTotal, summary.RowsLoaded + summary.RowsRejected + summary.RowsDuplicate);
        // Reconciled with what the database holds and what the file holds, which the summary does not decide:
        // every data line of the file is either a stored transaction or a stored rejected row.
        var stored = await StoredAsync(summary);
        Assert.Equal(summary.RowsLoaded, stored.Transactions);
        Assert.Equal(summary.RowsRejected + summary.RowsDuplicate, stored.RejectedRows);
        Assert.Equal(File.ReadLines(sample).Count() - 1, stored.Transactions + stored.RejectedRows);
        Assert.True(summary.RowsRejected > 0, "the sample's broken rows were not rejected");
        Assert.StartsWith("[", first.Stdout.TrimStart());
        Assert.EndsWith("]", first.Stdout.TrimEnd());
        Assert.Equal(0, second.ExitCode);
        var again = Assert.Single(RunTestSupport.Summaries(second.Stdout));
        Assert.Equal(FileStatus.AlreadyLoaded, again.Status);
        Assert.Equal(summary.FileId, again.FileId);
    }

    [Fact]
    public async Task Fail_on_rejects_exits_2_when_any_row_is_rejected_and_the_rows_stay_loaded()
    {
        var file = Path.Combine(Work, "strict.csv");
        File.WriteAllLines(file, RunTestSupport.SampleLines("STRICT"));
        var other = Path.Combine(Work, "lenient.csv");
        File.WriteAllLines(other, RunTestSupport.SampleLines("LENIENT"));

        var strict = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--json", "--fail-on-rejects", file);
        var lenient = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--json", other);

        Assert.Equal(2, strict.ExitCode);
        var summary = Assert.Single(RunTestSupport.Summaries(strict.Stdout));
        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.True(summary.RowsLoaded > 0);
        Assert.Equal(0, lenient.ExitCode);
    }

    // Issue 15 item 8: `run -` looked for a file named '-'.
    [Fact]
    public async Task A_dash_reads_the_file_from_standard_input_and_a_second_pipe_of_it_is_already_loaded()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join("\n", RunTestSupport.SampleLines("STDIN")) + "\n");

        var first = await CliTestHost.RunAsync(null, Work, bytes, "run", "--database-url", db.ConnectionString, "--json", "-");
        var second = await CliTestHost.RunAsync(null, Work, bytes, "run", "-", "--database-url", db.ConnectionString, "--json");

        Assert.Equal(0, first.ExitCode);
        var summary = Assert.Single(RunTestSupport.Summaries(first.Stdout));
        Assert.Equal("-", summary.File);
        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.Equal(300, summary.RowsTotal);
        Assert.Equal(FileStatus.AlreadyLoaded, Assert.Single(RunTestSupport.Summaries(second.Stdout)).Status);
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), "txetl-stdin-*"));
    }

    [Fact]
    public async Task Quiet_prints_no_table_but_json_still_prints_its_array()
    {
        var file = Path.Combine(Work, "quiet.csv");
        File.WriteAllLines(file, RunTestSupport.SampleLines("QUIET"));

        var quiet = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "-q", file);
        var json = await RunTestSupport.RunAsync(Work, "--quiet", "run", "--database-url", db.ConnectionString, "--json", file);

        Assert.Equal(0, quiet.ExitCode);
        Assert.Equal(string.Empty, quiet.Stdout);
        Assert.Equal(string.Empty, quiet.Stderr);
        Assert.Equal(FileStatus.AlreadyLoaded, Assert.Single(RunTestSupport.Summaries(json.Stdout)).Status);
    }

    [Fact]
    public async Task A_directory_loads_its_csv_files_in_name_order_and_a_rejected_file_exits_2()
    {
        var dir = Path.Combine(RunTestSupport.SamplesDirectory, "file-level");

        var result = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--json", dir);

        Assert.Equal(2, result.ExitCode);
        var summaries = RunTestSupport.Summaries(result.Stdout);
        Assert.Equal(
            new[] { "bad-encoding.csv", "duplicate-column.csv", "empty.csv", "header-only.csv", "missing-column.csv", "too-many-rejects.csv" },
            summaries.Select(s => Path.GetFileName(s.File)));
        Assert.Equal(
            new[] { "rejected", "rejected", "rejected", "loaded", "rejected", "rejected" },
            summaries.Select(s => s.Status));
        // Counts from the files themselves (samples/README.md): rows read, rows rejected one by one (and kept in
        // txetl.rejected_rows); a file rejected as a whole stores no transaction.
        var expected = new Dictionary<string, (long Total, long Rejected)>
        {
            ["bad-encoding.csv"] = (0, 0),
            ["duplicate-column.csv"] = (0, 0),
            ["empty.csv"] = (0, 0),
            ["header-only.csv"] = (0, 0),
            ["missing-column.csv"] = (0, 0),
            ["too-many-rejects.csv"] = (20, 4),
        };
        foreach (var s in summaries)
        {
            var (total, rejected) = expected[Path.GetFileName(s.File)];
            var stored = await StoredAsync(s);
            Assert.Equal((total, rejected, 0L, 0L), (s.RowsTotal, s.RowsRejected, s.RowsDuplicate, s.RowsLoaded));
            Assert.Equal((0L, rejected), (stored.Transactions, stored.RejectedRows));
        }
    }

    /// <summary>
    /// What the database holds for a summary's file: its ledger row must say what the summary says, and the
    /// stored transactions and rejected rows are counted independently of both.
    /// </summary>
    private async Task<(long Transactions, long RejectedRows)> StoredAsync(FileSummary summary)
    {
        Assert.NotNull(summary.FileId);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT f.status, f.rows_total, f.rows_loaded, f.rows_rejected, f.rows_duplicate, " +
            "(SELECT count(*) FROM txetl.transactions t WHERE t.file_id = f.file_id), " +
            "(SELECT count(*) FROM txetl.rejected_rows r WHERE r.file_id = f.file_id) " +
            "FROM txetl.ingestion_files f WHERE f.file_id = @id", connection);
        command.Parameters.AddWithValue("id", summary.FileId!.Value);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no ledger row for file {summary.FileId}");
        Assert.Equal(summary.Status, reader.GetString(0));
        Assert.Equal(
            (summary.RowsTotal, summary.RowsLoaded, summary.RowsRejected, summary.RowsDuplicate),
            (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        return (reader.GetInt64(5), reader.GetInt64(6));
    }

    [Fact]
    public async Task Max_rejected_ratio_of_the_run_overrides_the_contract()
    {
        var source = Path.Combine(RunTestSupport.SamplesDirectory, "file-level", "too-many-rejects.csv");
        var copy = Path.Combine(Work, "lenient.csv");
        File.WriteAllText(copy, File.ReadAllText(source).Replace("TM-", "TL-", StringComparison.Ordinal));

        var result = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--max-rejected-ratio", "0.25", "--json", "lenient.csv");

        Assert.Equal(0, result.ExitCode);
        var summary = Assert.Single(RunTestSupport.Summaries(result.Stdout));
        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.Equal(16, summary.RowsLoaded);
        Assert.Equal("lenient.csv", summary.File);
    }

    [Fact]
    public async Task Table_output_names_status_counts_and_reasons()
    {
        var file = Path.Combine(Work, "table.csv");
        File.WriteAllText(file, "transaction_id,timestamp,account_id,category,amount,currency,country\nTBL-1,2025-01-01,A,books,1.00,EUR,FR\nTBL-2,2025-01-01,A,books,1.00,XXX,FR\n");

        var result = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--max-rejected-ratio", "1", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("loaded_with_rejects", result.Stdout);
        Assert.Contains("constraint-error 1", result.Stdout);
        Assert.Contains("txetl rejects", result.Stdout);
    }

    [Fact]
    public async Task Verbose_prints_the_loaders_log_on_stderr_and_leaves_stdout_to_the_json()
    {
        var file = Path.Combine(Work, "verbose.csv");
        // VRB-0, stored by the first run, makes the second run's direct COPY fail, so the log has a fallback to explain.
        File.WriteAllText(Path.Combine(Work, "verbose-stored.csv"), "transaction_id,timestamp,account_id,category,amount,currency,country\nVRB-0,2025-01-01,A,books,1.00,EUR,FR\n");
        Assert.Equal(0, (await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--json", Path.Combine(Work, "verbose-stored.csv"))).ExitCode);
        File.WriteAllText(file, "transaction_id,timestamp,account_id,category,amount,currency,country\nVRB-1,2025-01-01,A,books,1.00,EUR,FR\nVRB-0,2025-01-01,A,books,1.00,EUR,FR\n");

        var result = await RunTestSupport.RunAsync(Work, "--verbose", "run", "--database-url", db.ConnectionString, "--max-rejected-ratio", "1", "--json", file);

        Assert.Equal(0, result.ExitCode);
        var summary = Assert.Single(RunTestSupport.Summaries(result.Stdout));
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.StartsWith("txetl: ", line, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains($"File {summary.FileId}: direct COPY rolled back to its savepoint (a primary-key value is stored already", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith($"txetl: File {summary.FileId} (file://", StringComparison.Ordinal)
            && line.Contains("ended loaded via the staging-fallback path: 2 rows, 1 loaded, 0 rejected, 1 duplicate-existing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lock_timeout_bounds_the_wait_for_a_lock_and_the_error_names_it()
    {
        var file = Path.Combine(Work, "locked.csv");
        File.WriteAllText(file, "transaction_id,timestamp,account_id,category,amount,currency,country\nLCK-1,2025-01-01,A,books,1.00,EUR,FR\n");

        CliResult result;
        await using (await LockHolder.HoldAsync(db.ConnectionString, "LOCK TABLE txetl.transactions IN ACCESS EXCLUSIVE MODE"))
        {
            result = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--lock-timeout", "1", "--json", file);
        }

        Assert.Equal(1, result.ExitCode);
        var summary = Assert.Single(RunTestSupport.Summaries(result.Stdout));
        Assert.Equal(FileStatus.Failed, summary.Status);
        Assert.Contains("55P03", summary.Error, StringComparison.Ordinal);
        Assert.Contains("lock timeout (1 s; txetl run/watch --lock-timeout", summary.Error, StringComparison.Ordinal);
    }

    // Issue 15 item 4: a wrong command line (64) is told apart from a failure to load (1).
    [Theory]
    [InlineData(64, "run")]
    [InlineData(1, "run", "does-not-exist.csv")]
    [InlineData(64, "run", "--max-rejected-ratio", "2", "x.csv")]
    [InlineData(1, "run", "--contract", "no-such-contract.json", "x.csv")]
    [InlineData(64, "run", "--lock-timeout", "-1", "x.csv")]
    [InlineData(64, "run", "--lock-timeout", "soon", "x.csv")]
    public async Task Usage_errors_exit_64_and_missing_inputs_1_with_one_line_on_stderr(int exitCode, params string[] args)
    {
        File.WriteAllText(Path.Combine(Work, "x.csv"), "a\n");

        var result = await RunTestSupport.RunAsync(Work, [.. args, "--database-url", db.ConnectionString]);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("txetl: error:", result.Stderr);
    }

    [Fact]
    public async Task A_failed_file_exits_1_and_is_reported_in_the_json()
    {
        // The staging table copies the target's columns; a target without one of them fails the load
        // inside the transaction: the ledger keeps 'failed' with the error, nothing else.
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("ALTER TABLE txetl.transactions RENAME COLUMN merchant TO merchant_renamed", connection);
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            var file = Path.Combine(Work, "fails.csv");
            File.WriteAllText(file, "transaction_id,timestamp,account_id,category,amount,currency,country\nFAIL-1,2025-01-01,A,books,1.00,EUR,FR\n");

            var result = await RunTestSupport.RunAsync(Work, "run", "--database-url", db.ConnectionString, "--json", file);

            Assert.Equal(1, result.ExitCode);
            var summary = Assert.Single(RunTestSupport.Summaries(result.Stdout));
            Assert.Equal(FileStatus.Failed, summary.Status);
            Assert.Contains("merchant", summary.Error);
        }
        finally
        {
            await using var connection = new NpgsqlConnection(db.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("ALTER TABLE txetl.transactions RENAME COLUMN merchant_renamed TO merchant", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
