using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The chunked load's statements (<see cref="ChunkedLoader"/>, migration 0008): the attempt's rows in
/// <c>txetl.ingestion_chunk_loads</c> and <c>txetl.ingestion_chunks</c>, and its UNLOGGED work table in <c>txetl_work</c>.
/// Every value is a parameter; a work table's name is built from two integers (<see cref="ChunkTicket.WorkTable"/>).
/// </summary>
internal static class ChunkSql
{
    public const string WorkSchema = "txetl_work";

    public const string FindAttempt = "SELECT attempt FROM txetl.ingestion_files WHERE file_id = @file_id";

    /// <summary>Every work table any attempt of the file left (@pattern: <c>f&lt;id&gt;\_a%</c>).</summary>
    public const string WorkTablesOfFile =
        "SELECT relname::text FROM pg_class WHERE relnamespace = to_regnamespace('txetl_work') AND relkind = 'r' AND relname LIKE @pattern";

    // The chunk rows go with it (ON DELETE CASCADE).
    public const string DeleteChunkLoad = "DELETE FROM txetl.ingestion_chunk_loads WHERE file_id = @file_id";

    public const string DeleteChunkLoadOfAttempt = "DELETE FROM txetl.ingestion_chunk_loads WHERE file_id = @file_id AND attempt = @attempt";

    public const string InsertChunkLoad =
        "INSERT INTO txetl.ingestion_chunk_loads (file_id, attempt, size_bytes, prefix_length, chunk_count) " +
        "VALUES (@file_id, @attempt, @size, @prefix_length, @chunk_count)";

    public const string InsertChunks =
        "INSERT INTO txetl.ingestion_chunks (file_id, attempt, chunk_index, start_byte, length_bytes) " +
        "SELECT @file_id, @attempt, (c.i - 1)::int, c.s, c.l FROM unnest(@starts::bigint[], @lengths::bigint[]) WITH ORDINALITY AS c(s, l, i)";

    /// <summary>
    /// A worker's claim on its chunk row, held to its commit: only while the attempt is the ledger row's current one and
    /// still loading. A new attempt's <c>BeginAsync</c> deletes the chunk rows and drops the table, so it waits for this.
    /// </summary>
    public const string ClaimChunk =
        "SELECT c.status FROM txetl.ingestion_chunks c JOIN txetl.ingestion_files f ON f.file_id = c.file_id " +
        "WHERE c.file_id = @file_id AND c.chunk_index = @chunk AND c.attempt = @attempt AND f.attempt = @attempt " +
        "AND f.status IN ('loading', 'failed') FOR UPDATE OF c";

    public const string FinishChunk =
        "UPDATE txetl.ingestion_chunks SET status = 'done', line_breaks = @line_breaks, rows_total = @rows_total, " +
        "rows_valid = @rows_valid, rows_rejected = @rows_rejected, blank_lines = @blank_lines, reject_reasons = @reject_reasons::jsonb, " +
        "warnings = @warnings::jsonb, header = @header::jsonb, error_code = @error_code, error = @error, finished_at = now() " +
        "WHERE file_id = @file_id AND chunk_index = @chunk AND attempt = @attempt";

    public const string StoreHash =
        "UPDATE txetl.ingestion_chunk_loads l SET sha256 = @sha256 FROM txetl.ingestion_files f " +
        "WHERE l.file_id = @file_id AND l.attempt = @attempt AND f.file_id = l.file_id AND f.attempt = @attempt AND f.status IN ('loading', 'failed')";

    /// <summary>The commit's hold on the attempt: its ledger row and chunk-load row, locked; no row when it is superseded or over.</summary>
    public const string LockAttempt =
        "SELECT coalesce(l.sha256, '') FROM txetl.ingestion_files f JOIN txetl.ingestion_chunk_loads l ON l.file_id = f.file_id " +
        "WHERE f.file_id = @file_id AND f.attempt = @attempt AND l.attempt = @attempt AND f.status IN ('loading', 'failed') FOR UPDATE OF f, l";

    public const string ReadChunks =
        "SELECT chunk_index, status, line_breaks, rows_total, rows_valid, rows_rejected, blank_lines, reject_reasons::text, " +
        "warnings::text, header::text, error_code, error FROM txetl.ingestion_chunks " +
        "WHERE file_id = @file_id AND attempt = @attempt ORDER BY chunk_index";

    /// <summary>Marks the attempt failed only while it is still the current one (a newer attempt's row is not ours to fail).</summary>
    public const string MarkAttemptFailed =
        "UPDATE txetl.ingestion_files SET status = 'failed', error = @error, finished_at = now() " +
        "WHERE file_id = @file_id AND attempt = @attempt AND status = 'loading'";

    /// <summary>
    /// The work table: the staging table's columns (<see cref="LoaderSql.CreateStage"/>) plus the chunk that wrote the row,
    /// UNLOGGED (a crash truncates it; the commit's row count check then refuses, and a re-run rebuilds it). Given to the
    /// loader role when the creator may (a login member), so that another member can drop it after a crash.
    /// </summary>
    public static string CreateWorkTable(string workTable, Contract contract) =>
        $"CREATE UNLOGGED TABLE {workTable} AS SELECT NULL::integer AS __chunk, NULL::bigint AS __line, NULL::text AS __raw, " +
        $"NULL::jsonb AS __errors, NULL::text COLLATE \"C\" AS __key, {PgIdentifier.ColumnList(contract, "t.")} " +
        $"FROM {PgIdentifier.TargetTable(contract)} t WITH NO DATA; " +
        $"DO $$ BEGIN EXECUTE 'ALTER TABLE {workTable.Replace("'", "''", StringComparison.Ordinal)} OWNER TO txetl_loader'; " +
        "EXCEPTION WHEN insufficient_privilege OR undefined_object THEN NULL; END $$";

    public static string DropWorkTable(string quotedName) => $"DROP TABLE IF EXISTS {quotedName}";

    public static string DeleteChunkRows(string workTable) => $"DELETE FROM {workTable} WHERE __chunk = @chunk";

    /// <summary>A chunk's records, valid or rejected, in <see cref="StagingSink"/>'s column order behind the chunk's index.</summary>
    public static string CopyIntoWork(string workTable, Contract contract) =>
        $"COPY {workTable} (__chunk, __line, __raw, __errors, __key, {PgIdentifier.ColumnList(contract)}) FROM STDIN (FORMAT BINARY)";

    /// <summary>Rows per chunk up to @last: each must hold exactly what its chunk row counted (an UNLOGGED table may have been truncated).</summary>
    public static string CountWorkRows(string workTable) =>
        $"SELECT __chunk, count(*) FROM {workTable} WHERE __chunk <= @last GROUP BY __chunk";

    /// <summary>
    /// The commit fills the staging table (<see cref="LoaderSql.CreateStage"/>) from the work table, each chunk's lines
    /// shifted by the line breaks of the chunks before it (@chunks, @offsets), so that <see cref="StagingPath.ResolveAsync"/>
    /// runs unchanged on the file's rows.
    /// </summary>
    public static string FillStage(string workTable, Contract contract) =>
        $"INSERT INTO {LoaderSql.StageTable} (__line, __raw, __errors, __key, {PgIdentifier.ColumnList(contract)}) " +
        $"SELECT w.__line + o.line_offset, w.__raw, w.__errors, w.__key, {PgIdentifier.ColumnList(contract, "w.")} " +
        $"FROM {workTable} w JOIN unnest(@chunks::integer[], @offsets::bigint[]) AS o(chunk, line_offset) ON o.chunk = w.__chunk";
}
