using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Every statement the loader runs, in one place: the ledger's, the locks', and the direct and staging paths'. Every
/// value is a parameter; identifiers come from the contract and are quoted (<see cref="PgIdentifier"/>); message
/// sentences come from Core's <see cref="RowMessages"/> as parameters.
/// </summary>
internal static class LoaderSql
{
    /// <summary>The staging path's temporary table, dropped at commit or rollback.</summary>
    public const string StageName = "txetl_stage";

    public const string StageTable = "pg_temp." + StageName;

    public const string LoadedStates = "('loaded', 'loaded_with_rejects')";

    // hashtextextended: a stable 64-bit hash computed by the server, so every client version agrees on keys.
    public const string LockSource = "SELECT pg_advisory_lock(hashtextextended('txetl:source:' || @key, 0))";

    // A backend asleep in a lock wait does not notice that its client died (SIGKILL, lost host): it would stay
    // queued, then hold the source lock, until the wait ends. The check interval (PostgreSQL 14+, Linux) makes
    // the server poll the socket meanwhile and end such a session within seconds. Session-level; Npgsql's
    // reset on return to the pool (DISCARD ALL) clears it. LoaderDb.LockSourceAsync sends it before the lock.
    public const string CheckClientConnection = "SET client_connection_check_interval = '5s'";

    public const string UnlockSource = "SELECT pg_advisory_unlock(hashtextextended('txetl:source:' || @key, 0))";

    public const string LockSha256 = "SELECT pg_advisory_xact_lock(hashtextextended('txetl:sha256:' || @sha256, 0))";

    public const string SetLockTimeout = "SELECT set_config('lock_timeout', @lock_timeout, true)";

    // A file's identity is its content under a contract into a table: the same bytes under another contract, or into
    // another table, are another file. Parameters @contract_name and @target_table.
    private const string SameIdentity = $"contract_name = @contract_name AND target_table = @target_table AND status IN {LoadedStates}";

    public const string FindLoadedBySha256 =
        $"SELECT file_id FROM txetl.ingestion_files WHERE sha256 = @sha256 AND {SameIdentity} LIMIT 1";

    public const string FindLoadedBySourceAndSize =
        $"SELECT file_id FROM txetl.ingestion_files WHERE source_key = @key AND size_bytes = @size AND {SameIdentity} LIMIT 1";

    public const string FindLoadedBySource =
        $"SELECT file_id FROM txetl.ingestion_files WHERE source_key = @key AND {SameIdentity} ORDER BY file_id DESC LIMIT 1";

    // The latest submission of this source, if it never finished (crashed: 'loading') or failed. The caller
    // holds the source lock, and every live loader of this source would hold it too, so a 'loading' row here
    // belongs to a dead session and is taken over.
    public const string FindUnfinished =
        "SELECT file_id FROM txetl.ingestion_files WHERE source_key = @key AND status IN ('loading', 'failed') " +
        "AND file_id = (SELECT max(file_id) FROM txetl.ingestion_files WHERE source_key = @key)";

    public const string TakeOver =
        "UPDATE txetl.ingestion_files SET status = 'loading', attempt = attempt + 1, started_at = now(), " +
        "finished_at = NULL, error = NULL, sha256 = NULL, size_bytes = @size, contract_name = @contract_name, " +
        "contract_version = @contract_version, contract_sha256 = @contract_sha256, target_table = @target_table, rows_total = NULL, rows_loaded = NULL, rows_rejected = NULL, " +
        "rows_duplicate = NULL, rows_conflicting = NULL, rows_updated = NULL, blank_lines = NULL, reject_reasons = NULL, warnings = NULL, duplicate_of = NULL " +
        "WHERE file_id = @file_id RETURNING attempt";

    public const string InsertLoading =
        "INSERT INTO txetl.ingestion_files (source_uri, source_key, source_path, s3_bucket, s3_key, s3_version_id, " +
        "s3_etag, size_bytes, contract_name, contract_version, contract_sha256, target_table, status) VALUES (@uri, @key, @path, " +
        "@bucket, @object_key, @version_id, @etag, @size, @contract_name, @contract_version, @contract_sha256, @target_table, 'loading') " +
        "RETURNING file_id";

    public const string InsertAlreadyLoaded =
        "INSERT INTO txetl.ingestion_files (source_uri, source_key, source_path, s3_bucket, s3_key, s3_version_id, " +
        "s3_etag, size_bytes, sha256, contract_name, contract_version, contract_sha256, target_table, status, duplicate_of, " +
        "finished_at) VALUES (@uri, @key, @path, @bucket, @object_key, @version_id, @etag, @size, @sha256, @contract_name, " +
        "@contract_version, @contract_sha256, @target_table, 'already_loaded', @duplicate_of, now())";

    public const string MarkAlreadyLoaded =
        "UPDATE txetl.ingestion_files SET status = 'already_loaded', sha256 = @sha256, duplicate_of = @duplicate_of, " +
        "finished_at = now() WHERE file_id = @file_id";

    public const string MarkFailed =
        "UPDATE txetl.ingestion_files SET status = 'failed', error = @error, sha256 = coalesce(@sha256, sha256), " +
        "finished_at = now() WHERE file_id = @file_id AND status = 'loading'";

    public const string Finish =
        "UPDATE txetl.ingestion_files SET status = @status, sha256 = @sha256, size_bytes = coalesce(size_bytes, @size), " +
        "rows_total = @rows_total, rows_loaded = @rows_loaded, rows_rejected = @rows_rejected, " +
        "rows_duplicate = @rows_duplicate, rows_conflicting = @rows_conflicting, rows_updated = @rows_updated, blank_lines = @blank_lines, reject_reasons = @reject_reasons::jsonb, " +
        "warnings = @warnings::jsonb, header = @header::jsonb, error = @error, finished_at = now() WHERE file_id = @file_id";

    public const string SavepointDirect = "SAVEPOINT txetl_direct";

    public const string RollbackDirect = "ROLLBACK TO SAVEPOINT txetl_direct";

    public const string ReleaseDirect = "RELEASE SAVEPOINT txetl_direct";

    public const string SavepointMerge = "SAVEPOINT txetl_merge";

    public const string RollbackMerge = "ROLLBACK TO SAVEPOINT txetl_merge";

    public const string ReleaseMerge = "RELEASE SAVEPOINT txetl_merge";

    // Room for the hash aggregate over keys without spilling to disk; local to this transaction.
    public const string StagingWorkMem = "SET LOCAL work_mem = '128MB'";

    // Staged rejected rows (engine rejects and in-file duplicates) go to rejected_rows with their raw text.
    public const string CopyRejects =
        "INSERT INTO txetl.rejected_rows (file_id, line, raw_record, errors) " +
        $"SELECT @file_id, __line, __raw, __errors FROM {StageTable} WHERE __errors IS NOT NULL";

    /// <summary>
    /// Marks every later occurrence of a key repeated in the file (first by line wins). Parameters: @key_column (the
    /// error's column), @key_names and @message (<see cref="RowMessages.InFileDuplicateSqlFormat"/>). A composite
    /// key is staged with U+001F between its parts; the message shows them comma-separated, as validate does.
    /// </summary>
    public const string MarkInFileDuplicates =
        $"WITH firsts AS (SELECT __key, min(__line) AS first_line FROM {StageTable} WHERE __errors IS NULL " +
        "GROUP BY __key HAVING count(*) > 1) " +
        $"UPDATE {StageTable} s SET __errors = jsonb_build_array(jsonb_build_object(" +
        "'column', @key_column, 'code', 'primary-key', 'value', s.__key, 'message', " +
        "format(@message, @key_names, replace(s.__key, chr(31), ','), f.first_line))) " +
        "FROM firsts f WHERE s.__key = f.__key AND s.__errors IS NULL AND s.__line > f.first_line";

    /// <summary>The direct path's COPY of valid rows straight into the target.</summary>
    public static string CopyIntoTarget(Contract contract) =>
        $"COPY {PgIdentifier.TargetTable(contract)} ({PgIdentifier.ColumnList(contract)}, file_id, source_line) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// The staging table takes the target's column types (typmods, collations) but none of its constraints:
    /// rejected rows are staged with null values, and duplicates must stage to be found.
    /// </summary>
    public static string CreateStage(Contract contract) =>
        $"CREATE TEMP TABLE {StageName} ON COMMIT DROP AS SELECT NULL::bigint AS __line, NULL::text AS __raw, " +
        $"NULL::jsonb AS __errors, NULL::text COLLATE \"C\" AS __key, {PgIdentifier.ColumnList(contract, "t.")} " +
        $"FROM {PgIdentifier.TargetTable(contract)} t WITH NO DATA";

    /// <summary>Every record, valid or rejected, into the staging table (column order of <see cref="StagingSink"/>).</summary>
    public static string CopyIntoStage(Contract contract) =>
        $"COPY {StageTable} (__line, __raw, __errors, __key, {PgIdentifier.ColumnList(contract)}) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// The staging path's insert of valid rows. In key order: every loader then takes its row locks in the same
    /// order, so two loads of files sharing ids wait for each other instead of deadlocking when their ids come in
    /// other orders.
    /// </summary>
    public static string Merge(Contract contract)
    {
        var columns = PgIdentifier.ColumnList(contract);
        return $"INSERT INTO {PgIdentifier.TargetTable(contract)} ({columns}, file_id, source_line) SELECT {columns}, @file_id, __line " +
               $"FROM {StageTable} WHERE __errors IS NULL ORDER BY __key ON CONFLICT DO NOTHING";
    }

    /// <summary>
    /// Marks valid staged rows whose value of a unique column another row stored already, so that they are rejected
    /// (<c>unique-error</c>, raw text kept) before the insert instead of being skipped by its <c>ON CONFLICT</c>. A stored
    /// row with the row's own primary key is not such a value: that row stays <c>duplicate-existing</c>. One error per
    /// row, for the first such column in contract order, so that rows and errors count alike. Only a column the target
    /// enforces with a unique index of its own counts: exactly those make the direct COPY fail and fall back, so both
    /// paths agree, and only they have an index for the lookup. Parameters: @target (the quoted table name), @message
    /// (<see cref="RowMessages.StoredUniqueSqlFormat"/>), @column_0, @column_1, ... (the names of <paramref name="columns"/>).
    /// </summary>
    public static string MarkStoredUnique(Contract contract, IReadOnlyList<OutputColumn> columns)
    {
        var ownRow = contract.PrimaryKey.Count == 0
            ? "false"
            : string.Join(" AND ", contract.PrimaryKey.Select(k => $"t.{PgIdentifier.Quote(k)} = s.{PgIdentifier.Quote(k)}"));
        var hits = columns.Select((c, i) =>
        {
            var column = PgIdentifier.Quote(c.Name);
            // As the engine shows an in-file repeat: at most 64 characters of the value.
            var shown = $"left(s.{column}::text, 64) || CASE WHEN length(s.{column}::text) > 64 THEN '...' ELSE '' END";
            return $"SELECT s.__line, {i} AS ord, jsonb_build_object('column', @column_{i}::text, 'code', 'unique-error', " +
                   $"'value', {shown}, 'message', format(@message, @column_{i}::text, {shown}, t.file_id, t.source_line)) AS error " +
                   $"FROM {StageTable} s JOIN {PgIdentifier.TargetTable(contract)} t ON t.{column} = s.{column} AND NOT ({ownRow}) " +
                   "WHERE s.__errors IS NULL AND EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid " +
                   "AND a.attnum = i.indkey[0] WHERE i.indrelid = @target::regclass AND i.indisunique AND i.indnkeyatts = 1 " +
                   $"AND i.indpred IS NULL AND a.attname = @column_{i}::text)";
        });
        return $"WITH hits AS ({string.Join(" UNION ALL ", hits)}) " +
               $"UPDATE {StageTable} s SET __errors = jsonb_build_array(h.error) " +
               "FROM (SELECT DISTINCT ON (__line) __line, error FROM hits ORDER BY __line, ord) h WHERE s.__line = h.__line";
    }

    /// <summary>
    /// The output columns a stored row and a staged row with the same key can differ in (every column but the key's), in
    /// contract order. Their names are the parameters @diff_0, @diff_1, ... of the conflict statements below.
    /// </summary>
    public static IReadOnlyList<OutputColumn> ComparedColumns(Contract contract) =>
        contract.OutputColumns.Where(c => !contract.PrimaryKey.Contains(c.Name, StringComparer.Ordinal)).ToArray();

    /// <summary>
    /// Marks the valid staged rows whose key is stored with other content (a conflict) as rejected or skipped, so that
    /// they reach <c>rejected_rows</c> with their raw text: @code is <c>key-conflict</c> or <c>key-conflict-skipped</c>,
    /// @message the matching <see cref="RowMessages"/> format, filled with the key, the stored row's file id and line and
    /// the differing columns as "name: stored -> new". Parameters also @key_column and @diff_i (see <see cref="ComparedColumns"/>).
    /// </summary>
    public static string MarkKeyConflicts(Contract contract)
    {
        var columns = ComparedColumns(contract);
        var changes = columns.Count == 0 ? "''" : "concat_ws('; ', " + string.Join(", ", columns.Select((c, i) =>
        {
            var column = PgIdentifier.Quote(c.Name);
            return $"CASE WHEN {Differs(c, "s", "t")} THEN format('%s: %s -> %s', @diff_{i}::text, {Shown("t." + column)}, {Shown("s." + column)}) END";
        })) + ")";
        return $"UPDATE {StageTable} s SET __errors = jsonb_build_array(jsonb_build_object('column', @key_column, 'code', @code, " +
               $"'value', s.__key, 'message', format(@message, @key_column, replace(s.__key, chr(31), ','), t.file_id, t.source_line, {changes}))) " +
               $"FROM {PgIdentifier.TargetTable(contract)} t WHERE {KeyJoin(contract)} AND s.__errors IS NULL AND {AnyDiffers(contract)}";
    }

    /// <summary>The valid staged rows whose key is stored with other content: the conflicts <c>update</c> is about to apply.</summary>
    public static string CountKeyConflicts(Contract contract) =>
        $"SELECT count(*) FROM {StageTable} s JOIN {PgIdentifier.TargetTable(contract)} t ON {KeyJoin(contract)} " +
        $"WHERE s.__errors IS NULL AND {AnyDiffers(contract)}";

    /// <summary>
    /// <c>onExistingKey: update</c>, first half: every stored row a valid staged row conflicts with, locked in key order (as
    /// <see cref="Merge"/> locks, so that loads of overlapping ids wait instead of deadlocking), is copied as it is to the
    /// history table with the replacing file (@file_id) and the time; <paramref name="ownColumns"/> are an own table's
    /// further columns that its history also has.
    /// </summary>
    public static string CopyConflictsToHistory(Contract contract, string historyTable, IReadOnlyList<string> ownColumns)
    {
        // From the names, not split from the joined list: an own table's column may itself hold ", ".
        var names = contract.OutputColumns.Select(c => c.Name).Concat(ContractDdl.BookkeepingColumns).Concat(ownColumns)
            .Select(PgIdentifier.Quote).ToArray();
        var stored = string.Join(", ", names);
        var storedAsT = string.Join(", ", names.Select(c => "t." + c));
        return $"WITH replaced AS (SELECT {storedAsT} FROM {PgIdentifier.TargetTable(contract)} t JOIN {StageTable} s ON {KeyJoin(contract)} " +
               $"WHERE s.__errors IS NULL AND {AnyDiffers(contract)} ORDER BY s.__key FOR UPDATE OF t) " +
               $"INSERT INTO {PgIdentifier.Quote(DatabaseMigrator.Schema)}.{PgIdentifier.Quote(historyTable)} ({stored}, \"replaced_by_file_id\", \"replaced_at\") " +
               $"SELECT {stored}, @file_id, now() FROM replaced";
    }

    /// <summary>
    /// <c>onExistingKey: update</c>, second half: the stored rows (locked by <see cref="CopyConflictsToHistory"/>) take the
    /// staged row's values, the correcting file's id (@file_id), its line and the load's time; the key stays.
    /// </summary>
    public static string UpdateConflicts(Contract contract)
    {
        var set = ComparedColumns(contract).Select(c => $"{PgIdentifier.Quote(c.Name)} = s.{PgIdentifier.Quote(c.Name)}")
            .Append("\"file_id\" = @file_id").Append("\"source_line\" = s.__line").Append("\"loaded_at\" = now()");
        return $"UPDATE {PgIdentifier.TargetTable(contract)} t SET {string.Join(", ", set)} FROM {StageTable} s " +
               $"WHERE {KeyJoin(contract)} AND s.__errors IS NULL AND {AnyDiffers(contract)}";
    }

    /// <summary>The staged row <c>s</c> and the stored row <c>t</c> have the same key.</summary>
    private static string KeyJoin(Contract contract) =>
        string.Join(" AND ", contract.PrimaryKey.Select(k => $"t.{PgIdentifier.Quote(k)} = s.{PgIdentifier.Quote(k)}"));

    /// <summary>Some compared column differs (null equals null); false for a table whose columns are all key.</summary>
    private static string AnyDiffers(Contract contract)
    {
        var columns = ComparedColumns(contract);
        return columns.Count == 0 ? "false" : "(" + string.Join(" OR ", columns.Select(c => Differs(c, "s", "t"))) + ")";
    }

    // point has no equality operator: its text form is compared instead.
    private static string Differs(OutputColumn column, string left, string right)
    {
        var cast = column.Type == ColumnType.Point ? "::text" : "";
        var name = PgIdentifier.Quote(column.Name);
        return $"{left}.{name}{cast} IS DISTINCT FROM {right}.{name}{cast}";
    }

    // As the engine shows a value in a message: at most 64 characters, null spelled out.
    private static string Shown(string expression) =>
        $"coalesce(left({expression}::text, 64) || CASE WHEN length({expression}::text) > 64 THEN '...' ELSE '' END, 'null')";

    /// <summary>
    /// Valid staged rows whose key another file stored with identical content are recorded as <c>duplicate-existing</c>. Parameters:
    /// @file_id, @key_column, @message (<see cref="RowMessages.DuplicateExistingSqlFormat"/>).
    /// </summary>
    public static string RecordDuplicateExisting(Contract contract)
    {
        var join = KeyJoin(contract);
        return "INSERT INTO txetl.rejected_rows (file_id, line, raw_record, errors) " +
               "SELECT @file_id, s.__line, s.__raw, jsonb_build_array(jsonb_build_object('column', @key_column, " +
               "'code', 'duplicate-existing', 'value', s.__key, 'message', format(@message, @key_column, s.__key, t.file_id, t.source_line))) " +
               $"FROM {StageTable} s JOIN {PgIdentifier.TargetTable(contract)} t ON {join} WHERE s.__errors IS NULL AND t.file_id <> @file_id " +
               // Identical content only: a conflict left unapplied (the file rejected as a whole) is no duplicate.
               $"AND NOT {AnyDiffers(contract)}";
    }
}
