using System.Globalization;
using System.Text;

namespace TransactionEtl.Testing.Faults;

/// <summary>
/// The faults-and-concurrency scenarios of docs/reliability.md. Each test reports its figures through
/// <see cref="Measured"/>, which fails the test when they differ from its row here, and
/// <c>ReliabilityDocTests</c> fails when the document's table differs from <see cref="RenderTable"/>: the table
/// cannot drift from what the tests do. Rates vary from run to run and are kept out of it.
/// </summary>
public static class FaultScenarios
{
    public const string Begin = "<!-- BEGIN faults table: generated from tests/TransactionEtl.Testing/Faults/FaultScenarios.cs, checked by ReliabilityDocTests -->";
    public const string End = "<!-- END faults table -->";

    private const string Once = "a rerun loads the file exactly once (same file id, attempt 2), accounting invariant holds, rows stored = rows in the file";

    public static IReadOnlyList<FaultScenario> All { get; } =
    [
        new("pg-restart", "PostgreSQL restarted during a load",
            "`pg_ctl restart -m fast` on a cluster of the test's own while the server shows the loader's COPY",
            "the load throws a transient `TransactionEtlException`; ledger row `failed` (or `loading`, taken over next); 0 rows stored; " + Once,
            "PostgresRestartTests.Restarting_postgres_during_a_load_fails_it_as_transient_and_a_rerun_loads_it_once", 1, 200_000, 1),
        new("backend-terminated", "Loader's backend killed during COPY",
            "`pg_terminate_backend(pid)` of the session the server shows in COPY",
            "transient failure naming the file; ledger `failed`; 0 rows and 0 rejected rows stored; " + Once,
            "DatabaseFaultTests.Terminating_the_loaders_backend_during_copy_fails_the_load_as_transient_and_the_retry_loads_it_once", 1, 200_000, 1),
        new("lock-timeout", "Lock on `txetl.transactions` held past the lock timeout",
            "another session holds `LOCK TABLE txetl.transactions IN ACCESS EXCLUSIVE MODE`; the load runs with `LockTimeout` = 1 s",
            "the server shows the loader blocked by that session; transient failure saying `lock timeout`, `55P03` and `txetl.transactions`; ledger `failed` with that error; 0 rows; after release the retry loads once",
            "DatabaseFaultTests.A_lock_on_transactions_held_past_the_lock_timeout_fails_the_load_as_transient_and_the_retry_loads_it", 1, 5_000, 1),
        new("long-wait", "A load waiting longer than the connection's command timeout",
            "connection string with `CommandTimeout` = 1 s; the test holds the ledger table for 3 s while the loader waits to write its ledger row",
            "the load is still waiting after 3 s and then loads (regression: the loader's commands inherited Npgsql's 30 s default, so a second `txetl run` waiting for the first failed)",
            "DatabaseFaultTests.A_load_that_waits_longer_than_the_connections_command_timeout_still_loads", 1, 1_000, 1),
        new("s3-stopped", "S3 server stopped in the middle of an object",
            "run-etl streams an object from s3rver; s3rver is killed while the server shows the COPY, then started again on the same port and data",
            "run-etl throws a transient error; ledger `failed`; 0 rows; no summary report written; after the restart the retry loads once",
            "S3FaultTests.Stopping_the_s3_server_mid_object_fails_the_load_as_transient_and_the_retry_loads_it_once", 1, 200_000, 1),
        new("kill-waiting-for-source-lock", "`txetl run` SIGKILLed while waiting for the source lock",
            "process A holds the source lock and waits to write its ledger row (the test holds the ledger table); process B on the same file waits on the advisory lock held by A and is SIGKILLed",
            "B left no ledger row and no rows; after release A loads the file (attempt 1); a rerun answers `already_loaded`; rows stored = rows in the file",
            "ProcessKillTests.Sigkill_at_each_stage_leaves_nothing_and_a_rerun_loads_the_file_once(waiting-for-source-lock)", 1, 2_000, 1),
        new("kill-after-ledger-row", "`txetl run` SIGKILLed after its ledger row, before COPY",
            "the test holds an ACCESS EXCLUSIVE lock on `txetl.transactions`; the process is killed while the server shows it blocked by that lock",
            "ledger row left `loading`; 0 rows; " + Once,
            "ProcessKillTests.Sigkill_at_each_stage_leaves_nothing_and_a_rerun_loads_the_file_once(after-ledger-row)", 1, 2_000, 1),
        new("kill-during-copy", "`txetl run` SIGKILLed during COPY",
            "SIGKILL while the server shows the process's COPY",
            "0 rows; ledger `loading`; the rerun loads all rows as attempt 2",
            "RunProcessTests.Sigkill_in_the_middle_of_the_copy_leaves_no_rows_and_a_rerun_loads_the_file_completely", 1, 400_000, 1),
        new("kill-during-merge", "`txetl run` SIGKILLed during the merge into `transactions`",
            "the test holds an uncommitted row with the file's last id; the process is killed while the server shows it has written to `transactions` and waits on that row",
            "ledger row left `loading`; 0 rows of the file; " + Once,
            "ProcessKillTests.Sigkill_at_each_stage_leaves_nothing_and_a_rerun_loads_the_file_once(during-merge)", 1, 2_000, 1),
        new("kill-at-ledger-update", "`txetl run` SIGKILLed between the merge and commit (ledger update)",
            "the test holds `FOR NO KEY UPDATE` on the file's ledger row; the process is killed after it has written to `transactions` while it waits to update that row",
            "ledger update and commit are one transaction (not separate): the rows already written are gone, the ledger row is still `loading`; " + Once,
            "ProcessKillTests.Sigkill_at_each_stage_leaves_nothing_and_a_rerun_loads_the_file_once(at-ledger-update)", 1, 2_000, 1),
        new("four-processes-forty-files", "4 `txetl run` processes, 40 files at once, ids shared across files",
            "each process is given all 40 files of 250 rows in its own order (160 deliveries); 40 of 100 shared ids in every file, in a different order in each; 10 invalid rows per file",
            "every delivery ends final (one load per file, the rest `already_loaded`), no failure or deadlock (5-minute guard); loaded + duplicate + rejected = rows generated; the stored ids are exactly the valid distinct ids",
            "ConcurrentProcessTests.Four_processes_loading_forty_files_with_shared_ids_at_once_load_each_file_once_and_reconcile", 160, 10_000, 0),
        new("opposite-order-writers", "Two files with the same 20,000 ids in opposite orders, written at the same moment",
            "the test holds `LOCK TABLE txetl.transactions IN SHARE MODE` until both loads wait to write, then releases it",
            "no deadlock (40P01) or failure: both `loaded`, 20,000 stored and 20,000 `duplicate-existing` in all; accounting invariant for both",
            "ConcurrentMergeTests.Two_files_with_the_same_ids_in_opposite_orders_written_at_the_same_moment_do_not_deadlock", 2, 40_000, 0),
        new("merge-aborted-by-deadlock", "A merge and a direct COPY of the same 20,000 ids deadlock",
            "a direct-path load (ids descending) is paused half-way through its COPY; a staged load of the same ids (ascending) merges until the server shows it waiting for the COPY; the COPY resumes and waits for the merge; the merge has the shorter `deadlock_timeout`, so PostgreSQL aborts it with 40P01",
            "the merge is undone to its savepoint and run again (`MergeDeadlockRetried` logged); no failure: both `loaded`, 20,000 stored and 20,000 `duplicate-existing` in all; accounting invariant for both",
            "ConcurrentMergeTests.A_merge_that_postgres_aborts_in_a_deadlock_with_a_direct_copy_is_retried_and_both_files_load", 2, 40_000, 1),
        new("one-file-ten-times", "One file delivered 10 times at once",
            "10 loaders on separate connections, half of them hashing the file first",
            "1 `loaded_with_rejects`, 9 `already_loaded` pointing at it; 10 ledger rows; accounting invariant; rows stored once",
            "LoadVolumeTests.One_file_delivered_ten_times_at_once_is_loaded_once_and_nine_times_answered_already_loaded", 10, 20_000, 0),
        new("two-thousand-files", "2,000 small files in sequence",
            "one loader, 2,000 files of 5 rows; the rate of the first and last 200 files is printed (see Measured)",
            "every file `loaded`; ledger and table counts equal the files' rows",
            "LoadVolumeTests.Two_thousand_small_files_in_sequence_are_each_loaded_once_and_the_rate_is_reported", 2_000, 10_000, 0),
        new("stream-breaks", "Input stream breaks mid-file", "the content stream throws part-way",
            "only a `failed` ledger row remains; the retry takes the row over and loads once",
            "FileLoaderTests.A_stream_that_breaks_leaves_a_failed_ledger_row_and_nothing_else_then_a_retry_takes_it_over", null, null, null),
        new("cancelled", "Load cancelled before commit", "the CancellationToken is cancelled mid-load",
            "nothing stored; ledger row `failed`",
            "FileLoaderTests.Cancelling_a_load_stores_nothing_and_marks_the_ledger_row_failed", null, null, null),
        new("dead-loading-row", "A `loading` row left by a dead session", "a ledger row `loading` with no live session",
            "taken over by the next attempt (attempt + 1)",
            "FileLoaderTests.A_loading_row_left_by_a_dead_session_is_taken_over", null, null, null),
        new("two-loaders", "The same file to two loaders at once", "two in-process loaders, separate connections",
            "loaded once, the other `already_loaded`",
            "ConcurrentLoadTests.Same_file_given_to_two_loaders_at_once_is_loaded_once", null, null, null),
        new("same-bytes-two-sources", "The same bytes from two sources at once", "two files with equal content, loaded at once",
            "loaded once, the other `already_loaded`",
            "ConcurrentLoadTests.Same_bytes_from_two_sources_at_once_are_loaded_once", null, null, null),
        new("overlapping-ids", "Two files sharing 10,000 ids loaded at once", "two in-process loaders",
            "each id stored once; the others `duplicate-existing`; accounting holds",
            "ConcurrentLoadTests.Overlapping_ids_in_two_files_loaded_at_once_are_stored_once", null, null, null),
        new("two-processes", "Two `txetl run` processes on one file", "two OS processes at once",
            "loaded once, the other `already_loaded`",
            "RunProcessTests.Same_file_given_to_two_processes_at_once_is_loaded_once", null, null, null),
    ];

    /// <summary>Fails the calling test when its figures differ from its row of the document, or when it lost a row.</summary>
    public static void Measured(string id, int files, long rows, int faults, long rowsLost)
    {
        var scenario = All.SingleOrDefault(s => s.Id == id) ?? throw new InvalidOperationException($"no fault scenario '{id}'");
        if (scenario.Files != files || scenario.Rows != rows || scenario.Faults != faults)
        {
            throw new InvalidOperationException($"scenario '{id}' measured files {files}, rows {rows}, faults {faults}, but docs/reliability.md (FaultScenarios.cs) says " +
            $"{scenario.Files}, {scenario.Rows}, {scenario.Faults}; update FaultScenarios.cs and regenerate the document");
        }
        if (rowsLost != 0)
        {
            throw new InvalidOperationException($"scenario '{id}' lost {rowsLost} row(s)");
        }
    }

    /// <summary>The generated table (between <see cref="Begin"/> and <see cref="End"/>).</summary>
    public static string RenderTable()
    {
        var sb = new StringBuilder();
        var measured = All.Where(s => s.Rows is not null).ToList();
        sb.Append(string.Create(CultureInfo.InvariantCulture,
            $"{All.Count} scenarios, {measured.Count} with figures reported by their test: {measured.Sum(s => s.Files):N0} file deliveries, " +
            $"{measured.Sum(s => s.Rows):N0} rows, {measured.Sum(s => s.Faults)} faults injected, rows lost: 0 (the test fails otherwise). " +
            $"A dash: an older test that asserts its own counts but does not report figures.\n\n"));
        sb.Append("| # | Scenario | What the test does | What it asserts | Files | Rows | Faults | Rows lost | Test |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|\n");
        var n = 0;
        foreach (var s in All)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"| {++n} | {Cell(s.Scenario)} | {Cell(s.Done)} | {Cell(s.Asserts)} | {Figure(s.Files)} | {Figure(s.Rows)} | {Figure(s.Faults)} | {(s.Rows is null ? "-" : "0")} | `{Cell(s.Test)}` |\n");
        }
        return sb.ToString();
    }

    /// <summary>The document with its table section replaced by <see cref="RenderTable"/>; null when the markers are missing.</summary>
    public static string? Render(string document)
    {
        var b = document.IndexOf(Begin, StringComparison.Ordinal);
        var e = document.IndexOf(End, StringComparison.Ordinal);
        return b < 0 || e < b ? null : document[..(b + Begin.Length)] + "\n" + RenderTable() + document[e..];
    }

    private static string Figure(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
