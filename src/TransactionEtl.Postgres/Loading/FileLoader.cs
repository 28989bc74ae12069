using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
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
/// committed and reports <c>already_loaded</c>. A unique partial index on <c>sha256</c> over loaded states
/// backs this up.</para>
/// <para>All or nothing. In one transaction every record, valid or rejected, is binary-COPY'd into a temporary
/// staging table; SQL then marks in-file duplicate keys, applies the reject threshold, inserts the valid rows
/// (keys already stored become <c>duplicate-existing</c>), records rejected rows with their raw text, and
/// finishes the ledger row. A failure before commit rolls all of it back and the ledger row is set to
/// <c>failed</c> with the error from a separate transaction.</para>
/// </remarks>
public sealed class FileLoader
{
    private const string StageTable = "pg_temp.txetl_stage";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates a loader over <paramref name="dataSource"/> (the database must be migrated).</summary>
    public FileLoader(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
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

                var loadedBefore = request.KnownSha256 is { } known
                    ? await ScalarAsync<long?>(connection, LoaderSql.FindLoadedBySha256, cancellationToken, ("sha256", known)).ConfigureAwait(false)
                    : null;
                if (loadedBefore is null && source.PinsContent)
                {
                    loadedBefore = await ScalarAsync<long?>(connection, LoaderSql.FindLoadedBySource, cancellationToken, ("key", source.Key)).ConfigureAwait(false);
                }

                if (loadedBefore is { } original)
                {
                    await ExecuteAsync(connection, LoaderSql.InsertAlreadyLoaded, cancellationToken,
                        [.. SourceParameters(request), ("sha256", request.KnownSha256), ("duplicate_of", original)]).ConfigureAwait(false);
                    return AlreadyLoaded(request, original, request.KnownSha256 ?? "", started);
                }

                fileId = await BeginLedgerRowAsync(connection, request, cancellationToken).ConfigureAwait(false);
                return await LoadInTransactionAsync(connection, request, fileId.Value, started, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (fileId is { } id)
            {
                var failure = ex as OperationCanceledException ?? (Exception)LoadFailures.Wrap(source, "the load failed", ex);
                await MarkFailedAsync(id, failure).ConfigureAwait(false);
                if (failure is OperationCanceledException)
                {
                    throw;
                }

                throw failure;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                throw LoadFailures.Wrap(source, "the load failed", ex);
            }
            finally
            {
                await UnlockSourceAsync(connection, source).ConfigureAwait(false);
            }
        }
    }

    private static async Task<FileSummary> LoadInTransactionAsync(
        NpgsqlConnection connection, LoadRequest request, long fileId, long started, CancellationToken cancellationToken)
    {
        var contract = request.Contract;
        var columns = contract.OutputColumns;
        var target = TargetTable(contract);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            // Bounds every lock wait inside the load (a table lock on the target, another load's uncommitted
            // keys) so that a stuck lock fails the load as transient instead of hanging it; local to this
            // transaction, so the wait for the source lock above stays unbounded.
            await ExecuteAsync(connection, LoaderSql.SetLockTimeout, cancellationToken,
                ("lock_timeout", LockTimeoutSetting(request.LockTimeout))).ConfigureAwait(false);
            // The staging table takes the target's column types (typmods, collations) but none of its
            // constraints: rejected rows are staged with null values, and duplicates must stage to be found.
            var columnList = string.Join(", ", columns.Select(c => Quote(c.Name)));
            await ExecuteAsync(connection,
                $"CREATE TEMP TABLE txetl_stage ON COMMIT DROP AS SELECT NULL::bigint AS __line, NULL::text AS __raw, " +
                $"NULL::jsonb AS __errors, NULL::text COLLATE \"C\" AS __key, {string.Join(", ", columns.Select(c => "t." + Quote(c.Name)))} " +
                $"FROM {target} t WITH NO DATA", cancellationToken).ConfigureAwait(false);
            // Room for the hash aggregate over keys without spilling to disk; local to this transaction.
            await ExecuteAsync(connection, "SET LOCAL work_mem = '128MB'", cancellationToken).ConfigureAwait(false);

            FileResult result;
            var importer = await connection.BeginBinaryImportAsync(
                $"COPY {StageTable} (__line, __raw, __errors, __key, {columnList}) FROM STDIN (FORMAT BINARY)",
                cancellationToken).ConfigureAwait(false);
            await using (importer.ConfigureAwait(false))
            {
                var sink = new StagingSink(importer, columns);
                var options = new ProcessingOptions
                {
                    Contract = contract,
                    DetectDuplicatesInMemory = false,
                    MaxRejectedRatio = request.MaxRejectedRatio,
                    Progress = request.Progress,
                };
                result = await FileProcessor.ProcessAsync(request.Content, sink, options, cancellationToken).ConfigureAwait(false);
                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            if (request.KnownSha256 is { } known && !string.Equals(known, result.Sha256, StringComparison.OrdinalIgnoreCase))
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
                return AlreadyLoaded(request, original, result.Sha256, started);
            }

            var outcome = await ResolveAsync(connection, fileId, contract, result, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, LoaderSql.CopyRejects, cancellationToken, ("file_id", fileId)).ConfigureAwait(false);
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
            return summary with { DurationMs = ElapsedMs(started) };
        }
    }

    /// <summary>Duplicates, threshold and the insert itself, all on the staging table.</summary>
    private static async Task<LoadOutcome> ResolveAsync(
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
            inserted = await ExecuteAsync(connection,
                $"INSERT INTO {target} ({targetColumns}, file_id, source_line) SELECT {targetColumns}, @file_id, __line " +
                $"FROM {StageTable} WHERE __errors IS NULL ORDER BY __key ON CONFLICT DO NOTHING",
                cancellationToken, ("file_id", fileId)).ConfigureAwait(false);
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
}
