using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 18 items 3 and 4 on real argv: <c>txetl run --parallel 4</c> with small chunks against <c>--parallel 1</c>
/// (the single-stream load) on the same files, each into a fresh database: the same stored rows (every column but the
/// file id and load time, <c>source_line</c> included), rejects, ledger rows and summary JSON (but file ids and
/// durations), with in-file duplicates and key conflicts whose first and second occurrence are in different chunks.
/// And a <c>txetl run --parallel</c> process killed with SIGKILL while a chunk's COPY runs, then run again.
/// </summary>
public sealed class ParallelRunTests : IDisposable
{
    /// <summary>About 40 rows of samples/transactions.csv: the test files split into 25 to 40 chunks.</summary>
    private const string SmallChunkBytes = "4096";

    private const string StoredRows =
        "SELECT coalesce(string_agg((row_to_json(t)::jsonb - 'file_id' - 'loaded_at')::text, E'\\n' ORDER BY t.transaction_id), '') " +
        "FROM txetl.transactions t";

    private const string StoredRejects =
        "SELECT coalesce(string_agg(f.source_uri || ' ' || r.line || ' ' || r.raw_record || ' ' || r.errors::text, E'\\n' " +
        "ORDER BY f.source_uri, r.line), '') FROM txetl.rejected_rows r JOIN txetl.ingestion_files f USING (file_id)";

    private const string LedgerRows =
        "SELECT coalesce(string_agg(concat_ws(' | ', source_uri, size_bytes, sha256, status, rows_total, rows_loaded, rows_rejected, " +
        "rows_duplicate, rows_conflicting, rows_updated, blank_lines, reject_reasons, warnings, header, attempt, error, target_table), " +
        "E'\\n' ORDER BY file_id), '') FROM txetl.ingestion_files";

    private readonly ScratchDirectory _dir = new("txetl-parallel-");

    public ParallelRunTests() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Parallel_4_with_small_chunks_stores_and_reports_exactly_what_the_single_stream_load_does()
    {
        var files = new[]
        {
            // Loaded with rejects: the sample's 8 bad rows, quoted fields with line breaks, and in-file repeats.
            (Path: WriteMixed(Path.Combine(_dir.Path, "mixed.csv")), Args: new[] { "--max-rejected-ratio", "1" }),
            // Ids of mixed.csv again, unchanged (duplicate-existing) and changed (key-conflict), then new ones.
            (Path: WriteLater(Path.Combine(_dir.Path, "later.csv")), Args: new[] { "--max-rejected-ratio", "1" }),
            // A third of the rows bad: rejected as a whole at the contract's threshold.
            (Path: WriteMostlyBad(Path.Combine(_dir.Path, "mostly-bad.csv")), Args: Array.Empty<string>()),
            // The same bytes as mixed.csv under another name.
            (Path: Copy(Path.Combine(_dir.Path, "mixed.csv"), Path.Combine(_dir.Path, "mixed-again.csv")), Args: Array.Empty<string>()),
        };

        var single = await LoadAllAsync(files, "--parallel", "1");
        var parallel = await LoadAllAsync(files, "--parallel", "4", "--chunk-bytes", SmallChunkBytes);

        Assert.Equal(
            new[] { FileStatus.LoadedWithRejects, FileStatus.LoadedWithRejects, FileStatus.Rejected, FileStatus.AlreadyLoaded },
            single.Statuses);
        Assert.Contains("\"primary-key\"", single.Summaries, StringComparison.Ordinal);
        Assert.Contains("\"key-conflict\"", single.Summaries, StringComparison.Ordinal);
        Assert.Equal(single.ExitCodes, parallel.ExitCodes);
        Assert.Equal(single.Summaries, parallel.Summaries);
        Assert.Equal(single.Ledger, parallel.Ledger);
        Assert.Equal(single.Rows, parallel.Rows);
        Assert.Equal(single.Rejects, parallel.Rejects);
        // Not the single-stream load again under another option: each file had a work table. mixed-again.csv too: as
        // in a single-stream load, its content is found loaded before only once its bytes are read and hashed.
        Assert.Equal(0, single.ChunkedFiles);
        Assert.Equal(4, parallel.ChunkedFiles);
    }

    [Fact]
    public async Task Without_parallel_a_file_of_at_least_the_minimum_size_gets_a_worker_per_core_and_a_smaller_one_a_single_stream()
    {
        string csv = WriteMixed(Path.Combine(_dir.Path, "mixed.csv"));
        await using var database = await NotingDatabaseAsync();
        string[] run = ["run", "--database-url", database.ConnectionString, "--json", "--max-rejected-ratio", "1", "--chunk-bytes", SmallChunkBytes];

        // Below the default minimum (1 GiB): one stream although --chunk-bytes would split it.
        var small = await RunTestSupport.RunAsync(_dir.Path, [.. run, csv]);
        await using var connection = await database.OpenConnectionAsync();
        int afterSmall = await ChunkedFilesAsync(connection);
        await using (var empty = new NpgsqlCommand("TRUNCATE txetl.transactions, txetl.rejected_rows, txetl.ingestion_files CASCADE", connection))
        {
            await empty.ExecuteNonQueryAsync();
        }
        // From the minimum on: one worker per core, so chunks on a machine of more than one core.
        var large = await RunTestSupport.RunAsync(_dir.Path, [.. run, "--parallel-min-bytes", "0", csv]);

        Assert.True(small.ExitCode == 0 && large.ExitCode == 0, small.Stderr + large.Stderr);
        Assert.Equal(FileStatus.LoadedWithRejects, Assert.Single(RunTestSupport.Summaries(large.Stdout)).Status);
        Assert.Equal((0, Environment.ProcessorCount > 1 ? 1 : 0), (afterSmall, await ChunkedFilesAsync(connection)));
    }

    [Fact]
    public async Task A_compressed_file_given_parallel_loads_as_one_stream_and_says_so_once()
    {
        string csv = WriteMixed(Path.Combine(_dir.Path, "mixed.csv"));
        string gz = csv + ".gz";
        using (var output = File.Create(gz))
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(File.ReadAllBytes(csv));
        }
        await using var database = await TestDatabase.CreateAsync();

        var result = await RunTestSupport.RunAsync(
            _dir.Path, "run", "--database-url", database.ConnectionString, "--json", "--max-rejected-ratio", "1", "--parallel", "4", "--chunk-bytes", SmallChunkBytes, gz);

        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        var summary = Assert.Single(RunTestSupport.Summaries(result.Stdout));
        Assert.Equal((FileStatus.LoadedWithRejects, "gzip"), (summary.Status, summary.Compression));
        var notes = result.Stderr.Split('\n').Where(l => l.Contains("loading as one stream", StringComparison.Ordinal)).ToList();
        Assert.StartsWith($"{gz}: loading as one stream, not on 4 workers: the file is not plain text", Assert.Single(notes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigkill_while_a_chunk_copies_then_a_rerun_loads_the_file_once_and_leaves_no_work_tables()
    {
        const int Rows = 400_000;
        string file = Path.Combine(_dir.Path, "killed.csv");
        Assert.Equal(0, (await RunTestSupport.RunAsync(_dir.Path, "sample", "--rows", Rows.ToString(CultureInfo.InvariantCulture), "--seed", "1803", file)).ExitCode);
        await using var database = await TestDatabase.CreateAsync();
        var activity = new ServerActivity(database.ConnectionString);
        string[] run = ["run", "--database-url", database.ConnectionString, "--json", "--parallel", "2", "--chunk-bytes", "1048576", file];
        await using (var processes = new Faults.ChildProcesses())
        {
            var victim = processes.Start(run);
            await activity.WaitForSessionAsync(
                "a.state = 'active' AND a.query ILIKE 'COPY %txetl_work%'", "a chunk worker's COPY into the work table",
                () => victim.HasExited ? $"txetl exited with code {victim.ExitCode} before a chunk's COPY was seen" : null);

            victim.Kill(); // SIGKILL: no handler runs, no rollback is sent; the server must clean up alone.
            await victim.WaitForExitAsync();
        }
        await WaitUntilNoBusySessionAsync(activity);
        var fileId = await activity.ScalarAsync<long?>("SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p AND status = 'loading'", ("p", file));
        Assert.NotNull(fileId);
        Assert.Equal(0L, await activity.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions"));

        var rerun = await RunTestSupport.RunAsync(_dir.Path, run);

        Assert.True(rerun.ExitCode == 0, rerun.Stderr + rerun.Stdout);
        var summary = Assert.Single(RunTestSupport.Summaries(rerun.Stdout));
        Assert.Equal((FileStatus.Loaded, fileId, (long)Rows), (summary.Status, summary.FileId, summary.RowsLoaded));
        Assert.Equal(2, await activity.ScalarAsync<int>("SELECT attempt FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId.Value)));
        Assert.Equal(1L, await activity.ScalarAsync<long>("SELECT count(*) FROM txetl.ingestion_files"));
        Assert.Equal((long)Rows, await activity.ScalarAsync<long>("SELECT count(DISTINCT transaction_id) FROM txetl.transactions WHERE file_id = @id", ("id", fileId.Value)));
        Assert.Equal((long)Rows, await activity.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions"));
        Assert.Equal(0L, await activity.ScalarAsync<long>("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'txetl_work'"));
    }

    private sealed record Outcome(int[] ExitCodes, string[] Statuses, string Summaries, string Ledger, string Rows, string Rejects, int ChunkedFiles);

    /// <summary>Runs `txetl run` on each file in turn into a fresh database, with <paramref name="options"/>.</summary>
    private async Task<Outcome> LoadAllAsync((string Path, string[] Args)[] files, params string[] options)
    {
        await using var database = await NotingDatabaseAsync();
        var exitCodes = new List<int>();
        var statuses = new List<string>();
        var summaries = new StringBuilder();
        foreach (var (path, args) in files)
        {
            var result = await RunTestSupport.RunAsync(_dir.Path, ["run", "--database-url", database.ConnectionString, "--json", .. options, .. args, path]);
            exitCodes.Add(result.ExitCode);
            var summary = Assert.Single(JsonNode.Parse(result.Stdout)!.AsArray())!.AsObject();
            statuses.Add(summary["status"]!.GetValue<string>());
            summary.Remove("file_id");
            summary.Remove("duration_ms");
            summaries.AppendLine(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        await using var connection = await database.OpenConnectionAsync();
        return new Outcome(
            [.. exitCodes], [.. statuses], summaries.ToString(),
            await ScalarAsync(connection, LedgerRows), await ScalarAsync(connection, StoredRows), await ScalarAsync(connection, StoredRejects),
            await ChunkedFilesAsync(connection));
    }

    /// <summary>
    /// The work tables the loads created, noted by an event trigger: a chunked load creates one per file attempt (and
    /// only for a plan of more than one chunk) and drops it at its commit, together with its chunk rows, so nothing in
    /// the database tells afterwards that a load went through chunks. The tests connect as the superuser, which may
    /// create event triggers.
    /// </summary>
    private const string NoteWorkTables =
        "CREATE TABLE public.work_tables_seen (name text NOT NULL); " +
        "CREATE FUNCTION public.note_work_tables() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN " +
        "INSERT INTO public.work_tables_seen SELECT object_identity FROM pg_event_trigger_ddl_commands() " +
        "WHERE schema_name = 'txetl_work' AND object_type = 'table'; END $$; " +
        "CREATE EVENT TRIGGER note_work_tables ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS') " +
        "EXECUTE FUNCTION public.note_work_tables()";

    /// <summary>A fresh database whose work tables are noted (<see cref="NoteWorkTables"/>).</summary>
    private static async Task<TestDatabase> NotingDatabaseAsync()
    {
        var database = await TestDatabase.CreateAsync();
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(NoteWorkTables, connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>How many files the loads ran in chunks (the work tables they created).</summary>
    private static async Task<int> ChunkedFilesAsync(NpgsqlConnection connection) => int.Parse(
        await ScalarAsync(connection, "SELECT count(DISTINCT name)::text FROM public.work_tables_seen"), CultureInfo.InvariantCulture);

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits until the server has ended the killed process's busy sessions (a COPY, an open transaction). Idle ones are
    /// not waited for: the test's own pooled connections stay idle in this database.
    /// </summary>
    private static async Task WaitUntilNoBusySessionAsync(ServerActivity activity)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await activity.ScalarAsync<long>(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'") == 0)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("the killed txetl's sessions were still there after 60 s");
    }

    /// <summary>
    /// samples/transactions.csv three times under other ids (900 rows, 24 rejected), with in-file repeats: an identical
    /// copy of every 20th row 30 rows later, a changed copy of every 45th row 50 rows later (both rejected as
    /// primary-key: the first in file order wins), a quoted merchant with a line break in every 60th row, and the
    /// first row again at the end. At 4 KiB per chunk most repeats are in a later chunk than their first occurrence.
    /// </summary>
    private static string WriteMixed(string path)
    {
        var rows = new[] { "PA", "PB", "PC" }.SelectMany(p => RunTestSupport.SampleLines(p).Skip(1)).ToList();
        var lines = new List<string>(rows);
        for (int i = rows.Count - 1; i >= 0; i--)
        {
            if (i % 20 == 0 && i + 30 <= lines.Count)
            {
                lines.Insert(i + 30, rows[i]);
            }
            if (i % 45 == 0 && i + 50 <= lines.Count)
            {
                lines.Insert(i + 50, ChangeAmount(rows[i]));
            }
            if (i % 60 == 7)
            {
                var cells = lines[i].Split(',');
                if (cells.Length == 10)
                {
                    cells[3] = "\"Corner\nShop " + i.ToString(CultureInfo.InvariantCulture) + "\"";
                    lines[i] = string.Join(',', cells);
                }
            }
        }
        lines.Add(rows[0]);
        File.WriteAllText(path, RunTestSupport.SampleLines("PA")[0] + "\n" + string.Join("\n", lines) + "\n");
        return path;
    }

    /// <summary>100 of mixed.csv's ids unchanged, 30 changed, then 200 new rows.</summary>
    private static string WriteLater(string path)
    {
        var earlier = RunTestSupport.SampleLines("PB").Skip(1).ToList();
        var rows = earlier.Take(100).Concat(earlier.Skip(150).Take(30).Select(ChangeAmount))
            .Concat(RunTestSupport.SampleLines("PD").Skip(1).Take(200));
        File.WriteAllText(path, RunTestSupport.SampleLines("PD")[0] + "\n" + string.Join("\n", rows) + "\n");
        return path;
    }

    private static string WriteMostlyBad(string path)
    {
        TransactionCsv.Write(path, Enumerable.Range(1, 600).Select(i =>
        {
            var id = "BAD-" + i.ToString("D5", CultureInfo.InvariantCulture);
            return i % 3 == 0 ? TransactionCsv.InvalidRow(id) : TransactionCsv.Row(id);
        }));
        return path;
    }

    private static string Copy(string from, string to)
    {
        File.Copy(from, to);
        return to;
    }

    /// <summary>The row with another amount (two more digits before its first one): a changed row under the same id.</summary>
    private static string ChangeAmount(string row)
    {
        var cells = row.Split(',');
        return cells.Length == 10 && decimal.TryParse(cells[5], NumberStyles.Number, CultureInfo.InvariantCulture, out _)
            ? string.Join(',', cells.Select((c, i) => i == 5 ? "77" + c : c))
            : row;
    }
}
