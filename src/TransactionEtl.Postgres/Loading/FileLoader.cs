using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Loading;

/// <summary>
/// Loads one file into <c>txetl.transactions</c> exactly once and all-or-nothing. The CLI (<c>txetl run</c>,
/// <c>txetl watch</c>) and the ETL Lambda call the same method with a local or S3 stream.
/// </summary>
/// <remarks>
/// <para>Exactly once. A session advisory lock on the source identity serializes loaders of the same source
/// (the second waits); a ledger row <c>loading</c> of that source found while holding the lock belongs to a
/// dead session and is taken over (attempt + 1). The content hash is known only at the end of the stream,
/// so right before commit the loader takes a transaction advisory lock on the hash and checks the ledger
/// again: of two processes loading the same bytes from different sources, the second finds the first
/// committed and reports <c>already_loaded</c> (on the direct path its COPY first waits on the first one's
/// uncommitted ids, then falls back and finds the hash loaded). A unique partial index on <c>sha256</c> over
/// loaded states backs this up.</para>
/// <para>All or nothing, in one transaction, by one of two paths. Direct (the common case, when the source can be
/// read twice): valid rows are COPY'd straight into the target inside a savepoint and rejected rows, spooled
/// to a temporary file meanwhile, into <c>rejected_rows</c> after. If that COPY hits a unique violation (an id
/// repeated in the file or stored before) the loader rolls back to the savepoint and falls back to staging, reading
/// the source again. Staging: every record, valid or rejected, is binary-COPY'd into a temporary staging table;
/// SQL then marks in-file duplicate keys, applies the reject threshold, inserts the valid rows (keys already stored
/// become <c>duplicate-existing</c>) and records rejected rows with their raw text. Either way the ledger row is
/// finished in the same transaction. A failure before commit rolls all of it back and the ledger row is set to
/// <c>failed</c> with the error from a separate transaction. docs/performance.md has why there are two paths.</para>
/// </remarks>
public sealed class FileLoader
{
    private const string StageTable = "pg_temp.txetl_stage";
    private const string DirectPath = "direct";
    private const string StagingPath = "staging";
    private const string FallbackPath = "staging-fallback";

    /// <summary>Runs of the merge when PostgreSQL keeps choosing it as a deadlock's victim (see <see cref="MergeAsync"/>).</summary>
    private const int MergeAttempts = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    /// <summary>Creates a loader over <paramref name="dataSource"/> (the database must be migrated).</summary>
    /// <param name="dataSource">Connections to the migrated database.</param>
    /// <param name="logger">Start, path taken, fallback reason and finish of each load; none when null.</param>
    public FileLoader(NpgsqlDataSource dataSource, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Loads <paramref name="request"/>'s file. Returns its summary for every outcome decided by the data
    /// (<c>loaded</c>, <c>loaded_with_rejects</c>, <c>rejected</c>, <c>already_loaded</c>).
    /// </summary>
    /// <exception cref="TransactionEtlException">
    /// The load failed (database, stream); nothing of the file is stored and its ledger row says <c>failed</c>.
    /// <see cref="TransactionEtlException.IsTransient"/> tells whether a retry may succeed.
    /// </exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing of the file is stored.</exception>
    public async Task<FileSummary> LoadAsync(LoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var source = request.Source;
        NpgsqlConnection connection;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            throw LoadFailures.Wrap(source, "cannot connect to the database", ex);
        }

        await using (connection.ConfigureAwait(false))
        {
            long? fileId = null;
            try
            {
                // Waits while a live session loads the same source; a dead session's lock is already gone.
                await ExecuteAsync(connection, LoaderSql.LockSource, cancellationToken, ("key", source.Key)).ConfigureAwait(false);

                var knownSha256 = request.KnownSha256;
                if (knownSha256 is null && request.HashContentAsync is { } hashContent && request.SizeBytes is { } size
                    && await ScalarAsync<long?>(connection, LoaderSql.FindLoadedBySourceAndSize, cancellationToken, ("key", source.Key), ("size", size)).ConfigureAwait(false) is not null)
                {
                    knownSha256 = await hashContent(cancellationToken).ConfigureAwait(false);
                }

                var loadedBefore = knownSha256 is { } known
                    ? await ScalarAsync<long?>(connection, LoaderSql.FindLoadedBySha256, cancellationToken, ("sha256", known)).ConfigureAwait(false)
                    : null;
                if (loadedBefore is null && source.PinsContent)
                {
                    loadedBefore = await ScalarAsync<long?>(connection, LoaderSql.FindLoadedBySource, cancellationToken, ("key", source.Key)).ConfigureAwait(false);
                }

                if (loadedBefore is { } original)
                {
                    await ExecuteAsync(connection, LoaderSql.InsertAlreadyLoaded, cancellationToken,
                        [.. SourceParameters(request), ("sha256", knownSha256), ("duplicate_of", original)]).ConfigureAwait(false);
                    _logger.AlreadyLoaded(source.Uri, original);
                    return AlreadyLoaded(request, original, knownSha256 ?? "", started);
                }

                fileId = await BeginLedgerRowAsync(connection, request, cancellationToken).ConfigureAwait(false);
                return await LoadInTransactionAsync(connection, request, knownSha256, fileId.Value, started, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (fileId is { } id)
            {
                var failure = ex as OperationCanceledException ?? (Exception)LoadFailures.Wrap(source, "the load failed", ex, request.LockTimeout);
                await MarkFailedAsync(id, failure).ConfigureAwait(false);
                if (failure is OperationCanceledException)
                {
                    _logger.LoadCancelled(id, source.Uri);
                    throw;
                }

                _logger.LoadFailed(id, source.Uri, LoadFailures.IsTransient(failure), failure.Message);

                throw failure;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                throw LoadFailures.Wrap(source, "the load failed", ex, request.LockTimeout);
            }
            finally
            {
                await UnlockSourceAsync(connection, source).ConfigureAwait(false);
            }
        }
    }

    private async Task<FileSummary> LoadInTransactionAsync(
        NpgsqlConnection connection, LoadRequest request, string? knownSha256, long fileId, long started, CancellationToken cancellationToken)
    {
        _logger.LoadStarting(request.Source.Uri, fileId, request.SizeBytes);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            // Bounds every lock wait inside the load (a table lock on the target, another load's uncommitted
            // keys) so that a stuck lock fails the load as transient instead of hanging it; local to this
            // transaction, so the wait for the source lock above stays unbounded.
            await ExecuteAsync(connection, LoaderSql.SetLockTimeout, cancellationToken,
                ("lock_timeout", LockTimeoutSetting(request.LockTimeout))).ConfigureAwait(false);
            await TargetColumnCheck.VerifyAsync(
                connection, TargetTable(request.Contract), request.Contract.OutputColumns, request.Source.Uri, cancellationToken).ConfigureAwait(false);

            FileResult result;
            LoadOutcome? outcome = null;
            string path;
            var startPosition = request.Content.CanSeek ? request.Content.Position : -1;
            if (startPosition < 0 && request.OpenContentAgain is null)
            {
                path = StagingPath;
                _logger.LoadPathChosen(fileId, path, "the source cannot be read a second time, so there is no fallback for the direct path");
                result = await StageAsync(connection, request, request.Content, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _logger.LoadPathChosen(fileId, DirectPath, "the source can be read again if the direct COPY must fall back");
                var direct = await TryDirectAsync(connection, request, fileId, cancellationToken).ConfigureAwait(false);
                if (direct.Outcome is not null)
                {
                    path = DirectPath;
                    result = direct.Result!;
                    outcome = direct.Outcome;
                }
                else
                {
                    path = FallbackPath;
                    _logger.FastPathFellBack(fileId, direct.FallbackReason!);
                    result = await StageAgainAsync(connection, request, startPosition, cancellationToken).ConfigureAwait(false);
                    if (direct.Result is { } first && !string.Equals(first.Sha256, result.Sha256, StringComparison.Ordinal))
                    {
                        throw new TransactionEtlException(
                            $"{request.Source.Uri}: the content changed between the two reads (SHA-256 {first.Sha256}, then {result.Sha256}); " +
                            "nothing was loaded. Load the file again once it is no longer being written.");
                    }
                }
            }

            if (knownSha256 is { } known && !string.Equals(known, result.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new TransactionEtlException(
                    $"{request.Source.Uri}: the content changed while it was read (SHA-256 {result.Sha256}, expected {known}); " +
                    "nothing was loaded. Load the file again once it is no longer being written.");
            }

            // From here to commit no other loader can commit the same bytes (the lock is held until commit).
            await ExecuteAsync(connection, LoaderSql.LockSha256, cancellationToken, ("sha256", result.Sha256)).ConfigureAwait(false);
            var loadedBefore = await ScalarAsync<long?>(connection, LoaderSql.FindLoadedBySha256, cancellationToken, ("sha256", result.Sha256)).ConfigureAwait(false);
            if (loadedBefore is { } original)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, LoaderSql.MarkAlreadyLoaded, cancellationToken,
                    ("sha256", result.Sha256), ("duplicate_of", original), ("file_id", fileId)).ConfigureAwait(false);
                _logger.AlreadyLoaded(request.Source.Uri, original);
                return AlreadyLoaded(request, original, result.Sha256, started);
            }

            if (outcome is null)
            {
                outcome = await ResolveAsync(connection, fileId, request.Contract, result, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, LoaderSql.CopyRejects, cancellationToken, ("file_id", fileId)).ConfigureAwait(false);
            }

            var summary = Summarize(request, fileId, result, outcome, started);
            await ExecuteAsync(connection, LoaderSql.Finish, cancellationToken,
                ("status", summary.Status), ("sha256", result.Sha256), ("size", result.Bytes),
                ("rows_total", summary.RowsTotal), ("rows_loaded", summary.RowsLoaded),
                ("rows_rejected", summary.RowsRejected), ("rows_duplicate", summary.RowsDuplicate),
                ("blank_lines", summary.BlankLines), ("reject_reasons", LedgerJson.Reasons(summary.RejectReasons)),
                ("warnings", LedgerJson.Strings(summary.Warnings)), ("header", LedgerJson.Strings(result.Header)),
                ("error", PgText.StorableOrNull(summary.Error)),
                ("file_id", fileId)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            summary = summary with { DurationMs = ElapsedMs(started) };
            _logger.LoadFinished(fileId, request.Source.Uri, summary.Status, path, summary.RowsTotal, summary.RowsLoaded,
                summary.RowsRejected, summary.RowsDuplicate, summary.DurationMs);
            return summary;
        }
    }

    /// <summary>
    /// The direct path: valid rows COPY'd (binary format, written by <see cref="BinaryCopyWriter"/>) straight into the target
    /// inside a savepoint, rejected rows spooled and binary-COPY'd into <c>rejected_rows</c> after. A key that repeats in the file or is stored already
    /// makes the COPY fail with a unique violation: then everything since the savepoint is undone and the
    /// caller falls back to the staging path, which resolves duplicates row by row as the spec says. A file
    /// over the reject threshold (or rejected as a whole) needs no fallback: its COPY succeeded, so it has
    /// no duplicates, and undoing the inserted rows leaves exactly the staging path's result.
    /// </summary>
    private static async Task<DirectAttempt> TryDirectAsync(
        NpgsqlConnection connection, LoadRequest request, long fileId, CancellationToken cancellationToken)
    {
        var contract = request.Contract;
        var columnList = string.Join(", ", contract.OutputColumns.Select(c => Quote(c.Name)));
        await ExecuteAsync(connection, "SAVEPOINT txetl_direct", cancellationToken).ConfigureAwait(false);
        var rejects = new RejectSpool();
        await using (rejects.ConfigureAwait(false))
        {
            FileResult? result = null;
            long copied;
            try
            {
                var copy = await connection.BeginRawBinaryCopyAsync(
                    $"COPY {TargetTable(contract)} ({columnList}, file_id, source_line) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
                var sink = new DirectSink(new BinaryCopyWriter(copy), contract.OutputColumns, fileId, rejects);
                try
                {
                    result = await FileProcessor.ProcessAsync(request.Content, sink, Options(request), cancellationToken).ConfigureAwait(false);
                    sink.Complete();
                }
                catch
                {
                    // Disposing the COPY stream would commit what was sent; a failed read must abort the COPY instead.
                    try
                    {
                        await copy.CancelAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or ObjectDisposedException)
                    {
                        // The original failure is what the caller must see; the transaction is rolled back either way.
                    }

                    throw;
                }

                // Ends the COPY: a unique violation surfaces here, after the whole file was sent.
                await copy.DisposeAsync().ConfigureAwait(false);
                copied = sink.Accepted;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
            {
                // Rolling back to the savepoint also releases the row locks the COPY took (a deadlock's cause).
                await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT txetl_direct", cancellationToken).ConfigureAwait(false);
                var reason = ex.SqlState == PostgresErrorCodes.UniqueViolation
                    ? "a primary-key value repeats in the file or is stored already"
                    : "a deadlock with a concurrent load of overlapping ids";
                return new DirectAttempt(result, null, reason);
            }

            var inserted = copied;
            if (result.IsRejected)
            {
                await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT txetl_direct", cancellationToken).ConfigureAwait(false);
                inserted = 0;
            }
            else
            {
                await ExecuteAsync(connection, "RELEASE SAVEPOINT txetl_direct", cancellationToken).ConfigureAwait(false);
                if (inserted != result.RowsValid)
                {
                    throw new TransactionEtlException(
                        $"accounting mismatch: {result.RowsValid} valid rows read, {inserted} copied; the load was rolled back. This is a bug; load the file again.");
                }
            }

            await rejects.CopyToAsync(connection, fileId, cancellationToken).ConfigureAwait(false);
            return new DirectAttempt(result, new LoadOutcome(result.IsRejected, InFileDuplicates: 0, inserted, DuplicateExisting: 0), null);
        }
    }

    private static async Task<FileResult> StageAgainAsync(NpgsqlConnection connection, LoadRequest request, long startPosition, CancellationToken cancellationToken)
    {
        if (startPosition >= 0)
        {
            request.Content.Position = startPosition;
            return await StageAsync(connection, request, request.Content, cancellationToken).ConfigureAwait(false);
        }

        var again = await request.OpenContentAgain!(cancellationToken).ConfigureAwait(false);
        await using (again.ConfigureAwait(false))
        {
            return await StageAsync(connection, request, again, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The staging path's first half: every record, valid or rejected, into the temporary staging table.</summary>
    private static async Task<FileResult> StageAsync(NpgsqlConnection connection, LoadRequest request, Stream content, CancellationToken cancellationToken)
    {
        var contract = request.Contract;
        var columns = contract.OutputColumns;
        var columnList = string.Join(", ", columns.Select(c => Quote(c.Name)));
        // The staging table takes the target's column types (typmods, collations) but none of its
        // constraints: rejected rows are staged with null values, and duplicates must stage to be found.
        await ExecuteAsync(connection,
            $"CREATE TEMP TABLE txetl_stage ON COMMIT DROP AS SELECT NULL::bigint AS __line, NULL::text AS __raw, " +
            $"NULL::jsonb AS __errors, NULL::text COLLATE \"C\" AS __key, {string.Join(", ", columns.Select(c => "t." + Quote(c.Name)))} " +
            $"FROM {TargetTable(contract)} t WITH NO DATA", cancellationToken).ConfigureAwait(false);
        // Room for the hash aggregate over keys without spilling to disk; local to this transaction.
        await ExecuteAsync(connection, "SET LOCAL work_mem = '128MB'", cancellationToken).ConfigureAwait(false);

        var importer = await connection.BeginBinaryImportAsync(
            $"COPY {StageTable} (__line, __raw, __errors, __key, {columnList}) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            var result = await FileProcessor.ProcessAsync(content, new StagingSink(importer, columns), Options(request), cancellationToken).ConfigureAwait(false);
            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    private static ProcessingOptions Options(LoadRequest request) => new()
    {
        Contract = request.Contract,
        DetectDuplicatesInMemory = false,
        MaxRejectedRatio = request.MaxRejectedRatio,
        Progress = request.Progress,
    };

    /// <summary>Duplicates, threshold and the insert itself, all on the staging table.</summary>
    private async Task<LoadOutcome> ResolveAsync(
        NpgsqlConnection connection, long fileId, Contract contract, FileResult result, CancellationToken cancellationToken)
    {
        var keyName = string.Join(",", contract.PrimaryKey);
        var target = TargetTable(contract);
        if (result.ErrorCode is not null)
        {
            // The file as a whole is unreadable past some point: keep the row rejects seen so far, load nothing.
            return new LoadOutcome(Rejected: true, InFileDuplicates: 0, Inserted: 0, DuplicateExisting: 0);
        }

        var inFile = result.RowsValid > 1
            ? await ExecuteAsync(connection, LoaderSql.MarkInFileDuplicates, cancellationToken, ("key_column", keyName)).ConfigureAwait(false)
            : 0;
        var rejected = FileResult.IsOverThreshold(result.RowsRejected + inFile, result.RowsTotal, result.MaxRejectedRatio);
        long inserted = 0;
        long duplicateExisting;
        if (rejected)
        {
            duplicateExisting = await RecordDuplicateExistingAsync(connection, fileId, contract, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var targetColumns = string.Join(", ", contract.OutputColumns.Select(c => Quote(c.Name)));
            // In key order: every loader then takes its row locks in the same order, so two loads of files
            // sharing ids wait for each other instead of deadlocking (40P01) when their ids come in other orders.
            inserted = await MergeAsync(connection, fileId,
                $"INSERT INTO {target} ({targetColumns}, file_id, source_line) SELECT {targetColumns}, @file_id, __line " +
                $"FROM {StageTable} WHERE __errors IS NULL ORDER BY __key ON CONFLICT DO NOTHING",
                cancellationToken).ConfigureAwait(false);
            var expected = result.RowsValid - inFile;
            duplicateExisting = inserted == expected
                ? 0
                : await RecordDuplicateExistingAsync(connection, fileId, contract, cancellationToken).ConfigureAwait(false);
            if (inserted + duplicateExisting != expected)
            {
                throw new TransactionEtlException(
                    $"accounting mismatch: {expected} valid rows staged, {inserted} inserted, {duplicateExisting} found stored already; " +
                    "the load was rolled back. This is a bug or a concurrent change of the stored rows' keys; load the file again.");
            }
        }

        return new LoadOutcome(rejected, inFile, inserted, duplicateExisting);
    }

    /// <summary>
    /// Runs the staging path's insert inside a savepoint. Key order keeps merges from deadlocking each other, but a
    /// direct-path COPY takes its row locks in file order, so a merge and a COPY of overlapping ids can still wait
    /// for each other. PostgreSQL then aborts one of them with 40P01: the COPY falls back by itself (see
    /// <see cref="TryDirectAsync"/>); the merge is undone to its savepoint, which releases the COPY, and run again
    /// after a pause in which the COPY can finish. <c>ConcurrentMergeTests</c> forces this case.
    /// </summary>
    private async Task<long> MergeAsync(NpgsqlConnection connection, long fileId, string insert, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await ExecuteAsync(connection, "SAVEPOINT txetl_merge", cancellationToken).ConfigureAwait(false);
            try
            {
                var inserted = await ExecuteAsync(connection, insert, cancellationToken, ("file_id", fileId)).ConfigureAwait(false);
                await ExecuteAsync(connection, "RELEASE SAVEPOINT txetl_merge", cancellationToken).ConfigureAwait(false);
                return inserted;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < MergeAttempts)
            {
                await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT txetl_merge", cancellationToken).ConfigureAwait(false);
                // 0.25, 0.5, 1, 2 s, each plus up to as much again at random so that two retrying merges part.
                var pause = TimeSpan.FromMilliseconds(250 * (1 << (attempt - 1)) * (1 + Random.Shared.NextDouble()));
                _logger.MergeDeadlockRetried(fileId, attempt, MergeAttempts, (long)pause.TotalMilliseconds);
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<long> RecordDuplicateExistingAsync(
        NpgsqlConnection connection, long fileId, Contract contract, CancellationToken cancellationToken)
    {
        var keyName = string.Join(",", contract.PrimaryKey);
        var join = string.Join(" AND ", contract.PrimaryKey.Select(k => $"t.{Quote(k)} = s.{Quote(k)}"));
        return await ExecuteAsync(connection,
            "INSERT INTO txetl.rejected_rows (file_id, line, raw_record, errors) " +
            "SELECT @file_id, s.__line, s.__raw, jsonb_build_array(jsonb_build_object('column', @key_column, " +
            "'code', 'duplicate-existing', 'value', s.__key, 'message', format('%s %s was loaded before (file %s, line %s); " +
            "the stored row is left unchanged. Give the row a new id if it is a different transaction.', " +
            "@key_column, s.__key, t.file_id, t.source_line))) " +
            $"FROM {StageTable} s JOIN {TargetTable(contract)} t ON {join} WHERE s.__errors IS NULL AND t.file_id <> @file_id",
            cancellationToken, ("file_id", fileId), ("key_column", keyName)).ConfigureAwait(false);
    }

    private static async Task<long> BeginLedgerRowAsync(NpgsqlConnection connection, LoadRequest request, CancellationToken cancellationToken)
    {
        var unfinished = await ScalarAsync<long?>(connection, LoaderSql.FindUnfinished, cancellationToken, ("key", request.Source.Key)).ConfigureAwait(false);
        if (unfinished is { } previous)
        {
            await ExecuteAsync(connection, LoaderSql.TakeOver, cancellationToken,
                ("size", request.SizeBytes), ("contract_name", request.Contract.Name),
                ("contract_version", request.Contract.Version), ("file_id", previous)).ConfigureAwait(false);
            return previous;
        }

        return (await ScalarAsync<long?>(connection, LoaderSql.InsertLoading, cancellationToken, SourceParameters(request)).ConfigureAwait(false))!.Value;
    }

    /// <summary>
    /// Records the failure from a fresh connection: the load connection may be the thing that broke. If
    /// this fails too, the row stays 'loading' without a live session and the next attempt takes it over.
    /// </summary>
    private async Task MarkFailedAsync(long fileId, Exception failure)
    {
        var message = failure is OperationCanceledException ? "cancelled before commit; nothing was loaded" : failure.Message;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, LoaderSql.MarkFailed, timeout.Token,
                    ("error", PgText.Storable(message)), ("sha256", null), ("file_id", fileId)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or OperationCanceledException)
        {
            // The original failure is what the caller needs to see; this one only delays the ledger.
        }
    }

    private static async Task UnlockSourceAsync(NpgsqlConnection connection, SourceIdentity source)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return; // a broken connection's session is gone, and its locks with it
        }

        try
        {
            await ExecuteAsync(connection, LoaderSql.UnlockSource, CancellationToken.None, ("key", source.Key)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            // Closing the connection below ends the session; pooled sessions are reset (DISCARD ALL) on reuse.
        }
    }

    private static FileSummary Summarize(LoadRequest request, long fileId, FileResult result, LoadOutcome outcome, long started)
    {
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (code, count) in result.RejectReasons)
        {
            reasons[code] = count;
        }

        if (outcome.InFileDuplicates > 0)
        {
            reasons[FileErrorCodes.PrimaryKey] = reasons.GetValueOrDefault(FileErrorCodes.PrimaryKey) + outcome.InFileDuplicates;
        }

        var rowsRejected = result.RowsRejected + outcome.InFileDuplicates;
        string status;
        string? error = null;
        if (result.ErrorCode is not null)
        {
            status = FileStatus.Rejected;
            reasons[result.ErrorCode] = reasons.GetValueOrDefault(result.ErrorCode) + 1;
            error = result.ErrorMessage;
        }
        else if (outcome.Rejected)
        {
            status = FileStatus.Rejected;
            reasons[FileErrorCodes.TooManyRejects] = 1;
            error = FileSummary.TooManyRejectsMessage(rowsRejected, result.RowsTotal, result.MaxRejectedRatio);
        }
        else
        {
            status = rowsRejected > 0 ? FileStatus.LoadedWithRejects : FileStatus.Loaded;
        }

        return new FileSummary
        {
            File = DisplayName(request.Source),
            FileId = fileId.ToString(CultureInfo.InvariantCulture),
            Status = status,
            RowsTotal = result.RowsTotal,
            RowsLoaded = outcome.Inserted,
            RowsRejected = rowsRejected,
            RowsDuplicate = outcome.DuplicateExisting,
            BlankLines = result.BlankLines,
            RejectReasons = reasons,
            Warnings = result.Warnings,
            Sha256 = result.Sha256,
            DurationMs = ElapsedMs(started),
            Error = error,
        };
    }

    private static FileSummary AlreadyLoaded(LoadRequest request, long original, string sha256, long started) => new()
    {
        File = DisplayName(request.Source),
        FileId = original.ToString(CultureInfo.InvariantCulture),
        Status = FileStatus.AlreadyLoaded,
        Sha256 = sha256,
        DurationMs = ElapsedMs(started),
    };

    private static string DisplayName(SourceIdentity source) => source.LocalPath ?? source.Uri;

    private static (string, object?)[] SourceParameters(LoadRequest request) =>
    [
        ("uri", request.Source.Uri), ("key", request.Source.Key), ("path", request.Source.LocalPath),
        ("bucket", request.Source.Bucket), ("object_key", request.Source.ObjectKey),
        ("version_id", request.Source.VersionId), ("etag", request.Source.ETag), ("size", request.SizeBytes),
        ("contract_name", request.Contract.Name), ("contract_version", request.Contract.Version),
    ];

    private static async Task<long> ExecuteAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = CreateCommand(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T?> ScalarAsync<T>(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = CreateCommand(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is null or DBNull ? default : (T)value;
        }
    }

    private static NpgsqlCommand CreateCommand(NpgsqlConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
#pragma warning disable CA2100 // The SQL is fixed text plus quoted identifiers; every value is a parameter.
        var command = new NpgsqlCommand(sql, connection)
        {
            // Whatever the caller's connection string says (Npgsql's default is 30 s): waiting for another
            // loader of the same source and a large file's merge may rightly take minutes. Lock waits inside the
            // load are bounded by LockTimeout; cancellation goes through the CancellationToken.
            CommandTimeout = 0,
        };
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value switch
            {
                // Untyped null: the server infers the type from where the parameter is used.
                null => new NpgsqlParameter(name, DBNull.Value),
                _ => new NpgsqlParameter(name, value),
            });
        }

        return command;
    }

    private static string Quote(string identifier) => Contract.QuoteIdentifier(identifier);

    /// <summary>The contract names a table; the loader's tables all live in the project's schema.</summary>
    private static string TargetTable(Contract contract) => $"{Quote(DatabaseMigrator.Schema)}.{Quote(contract.TargetTable)}";

    private static string LockTimeoutSetting(TimeSpan timeout) =>
        ((long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private sealed record LoadOutcome(bool Rejected, long InFileDuplicates, long Inserted, long DuplicateExisting);

    /// <summary>The direct path's result; <c>Outcome</c> null means fall back (Result is null if the COPY failed mid-file).</summary>
    private sealed record DirectAttempt(FileResult? Result, LoadOutcome? Outcome, string? FallbackReason);
}
