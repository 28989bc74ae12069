using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The staging path: every record, valid or rejected, is binary-COPY'd into a temporary staging table
/// (<see cref="StageAsync"/>); once the content is known not to be loaded already, SQL marks in-file duplicate keys and
/// unique values stored already, classifies keys stored with other content (conflicts, by the contract's onExistingKey),
/// applies the reject threshold, applies corrections, inserts the valid rows (keys stored with identical content become
/// <c>duplicate-existing</c>) and records rejected rows with their raw text (<see cref="ResolveAsync"/>).
/// </summary>
internal sealed class StagingPath(NpgsqlConnection connection, LoadRequest request, long fileId, ILogger logger)
{
    /// <summary>Runs of the merge when PostgreSQL keeps choosing it as a deadlock's victim (see <see cref="MergeAsync"/>).</summary>
    private const int MergeAttempts = 5;

    /// <summary>Reads the source again after the direct path fell back: from its start position, or opened anew.</summary>
    public async Task<FileResult> StageAgainAsync(long startPosition, CancellationToken cancellationToken)
    {
        if (startPosition >= 0)
        {
            request.Content.Position = startPosition;
            return await StageAsync(request.Content, LoadPhase.ReadingAgain, cancellationToken);
        }

        var again = await request.OpenContentAgain!(cancellationToken);
        await using (again)
        {
            return await StageAsync(again, LoadPhase.ReadingAgain, cancellationToken);
        }
    }

    /// <summary>
    /// The staging path's first half: every record, valid or rejected, into the temporary staging table; bytes read are
    /// reported as <paramref name="phase"/> (reading at once, or reading again after the direct path).
    /// </summary>
    public async Task<FileResult> StageAsync(Stream content, LoadPhase phase, CancellationToken cancellationToken)
    {
        await LoaderDb.ExecuteAsync(connection, LoaderSql.CreateStage(request.Contract), cancellationToken);
        await LoaderDb.ExecuteAsync(connection, LoaderSql.StagingWorkMem, cancellationToken);

        var importer = await connection.BeginBinaryImportAsync(LoaderSql.CopyIntoStage(request.Contract), cancellationToken);
        await using (importer)
        {
            var sink = new StagingSink(importer, request.Contract.OutputColumns);
            var result = await FileProcessor.ProcessAsync(content, sink, request.EngineOptions(phase), cancellationToken);
            await importer.CompleteAsync(cancellationToken);
            return result;
        }
    }

    /// <summary>Duplicates, threshold and the insert itself, all on the staging table; then the rejected rows are stored.</summary>
    public async Task<KeyCounts> ResolveAsync(FileResult result, CancellationToken cancellationToken)
    {
        var keys = await ResolveKeysAsync(result, cancellationToken);
        await LoaderDb.ExecuteAsync(connection, LoaderSql.CopyRejects, cancellationToken, ("file_id", fileId));
        return keys;
    }

    private async Task<KeyCounts> ResolveKeysAsync(FileResult result, CancellationToken cancellationToken)
    {
        if (result.ErrorCode is not null)
        {
            // The file as a whole is unreadable past some point: keep the row rejects seen so far, load nothing.
            return KeyCounts.None;
        }

        var contract = request.Contract;
        request.Report(LoadPhase.CheckingKeys);
        var inFile = result.RowsValid > 1
            ? await LoaderDb.ExecuteAsync(connection, LoaderSql.MarkInFileDuplicates, cancellationToken,
                ("key_column", KeyColumn(contract)), ("key_names", string.Join(", ", contract.PrimaryKey)),
                ("message", RowMessages.InFileDuplicateSqlFormat))
            : 0;
        var storedUnique = await MarkStoredUniqueAsync(cancellationToken);
        var conflicts = await ClassifyConflictsAsync(cancellationToken);
        var rejectedHere = inFile + storedUnique + conflicts.Rejected;
        if (result.IsRejectedAfter(rejectedHere))
        {
            return new KeyCounts(inFile, await RecordDuplicateExistingAsync(cancellationToken), storedUnique, conflicts);
        }

        request.Report(LoadPhase.LoadingStagedRows);
        var (inserted, updated) = await MergeAsync(conflicts.Updated > 0, cancellationToken);
        var expected = result.RowsValid - rejectedHere - conflicts.Skipped;
        var duplicateExisting = inserted + updated == expected
            ? 0
            : await RecordDuplicateExistingAsync(cancellationToken);
        if (inserted + updated + duplicateExisting != expected)
        {
            throw new TransactionEtlException(
                $"accounting mismatch: {expected} valid rows staged, {inserted} inserted, {updated} updated, {duplicateExisting} found stored " +
                "already; the load was rolled back. This is a bug or a concurrent change of the stored rows' keys; load the file again.");
        }

        return new KeyCounts(inFile, duplicateExisting, storedUnique, conflicts with { Updated = updated });
    }

    /// <summary>
    /// Valid rows whose key is stored with other content, by the contract's onExistingKey: <c>reject</c> and <c>skip</c>
    /// mark them in the staging table (so they reach rejected_rows with the differing columns); <c>update</c> only counts
    /// them here, before the threshold, and applies them in <see cref="MergeAsync"/>.
    /// </summary>
    private async Task<KeyConflicts> ClassifyConflictsAsync(CancellationToken cancellationToken)
    {
        var contract = request.Contract;
        if (contract.PrimaryKey.Count == 0)
        {
            return default;
        }

        if (contract.OnExistingKey == OnExistingKey.Update)
        {
            return new KeyConflicts(0, 0, await LoaderDb.ScalarAsync<long>(connection, LoaderSql.CountKeyConflicts(contract), cancellationToken));
        }

        var skip = contract.OnExistingKey == OnExistingKey.Skip;
        var parameters = LoaderSql.ComparedColumns(contract).Select((c, i) => ($"diff_{i}", (object?)c.Name))
            .Append(("key_column", KeyColumn(contract)))
            .Append(("code", skip ? FileErrorCodes.KeyConflictSkipped : FileErrorCodes.KeyConflict))
            .Append(("message", skip ? RowMessages.KeyConflictSkippedSqlFormat : RowMessages.KeyConflictSqlFormat))
            .ToArray();
        var marked = await LoaderDb.ExecuteAsync(connection, LoaderSql.MarkKeyConflicts(contract), cancellationToken, parameters);
        return skip ? new KeyConflicts(0, marked, 0) : new KeyConflicts(marked, 0, 0);
    }

    /// <summary>
    /// Runs the staging path's writes inside a savepoint: the corrections (when <paramref name="corrects"/>), then the insert.
    /// Key order keeps merges from deadlocking each other, but a
    /// direct-path COPY takes its row locks in file order, so a merge and a COPY of overlapping ids can still wait
    /// for each other. PostgreSQL then aborts one of them with 40P01: the COPY falls back by itself (see
    /// <see cref="DirectCopyPath.TryAsync"/>); the merge is undone to its savepoint, which releases the COPY, and run again
    /// after a pause in which the COPY can finish. <c>ConcurrentMergeTests</c> forces this case.
    /// </summary>
    private async Task<(long Inserted, long Updated)> MergeAsync(bool corrects, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await LoaderDb.ExecuteAsync(connection, LoaderSql.SavepointMerge, cancellationToken);
            try
            {
                var updated = corrects ? await ApplyCorrectionsAsync(cancellationToken) : 0;
                var inserted = await LoaderDb.ExecuteAsync(connection, LoaderSql.Merge(request.Contract), cancellationToken, ("file_id", fileId));
                await LoaderDb.ExecuteAsync(connection, LoaderSql.ReleaseMerge, cancellationToken);
                return (inserted, updated);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < MergeAttempts)
            {
                await LoaderDb.ExecuteAsync(connection, LoaderSql.RollbackMerge, cancellationToken);
                // 0.25, 0.5, 1, 2 s, each plus up to as much again at random so that two retrying merges part.
                var pause = TimeSpan.FromMilliseconds(250 * (1 << (attempt - 1)) * (1 + Random.Shared.NextDouble()));
                logger.MergeDeadlockRetried(fileId, attempt, MergeAttempts, (long)pause.TotalMilliseconds);
                await Task.Delay(pause, cancellationToken);
            }
        }
    }

    /// <summary><c>onExistingKey: update</c>: each conflicting stored row goes to the history table, then takes the new values.</summary>
    private async Task<long> ApplyCorrectionsAsync(CancellationToken cancellationToken)
    {
        var contract = request.Contract;
        // ContractTable.EnsureAsync refused the load before reading when an update contract's table can have no history.
        var history = ContractDdl.HistoryTable(contract)!;
        var own = contract.CreateTable ? [] : await OwnHistoryColumnsAsync(history, cancellationToken);
        var copied = await LoaderDb.ExecuteAsync(
            connection, LoaderSql.CopyConflictsToHistory(contract, history, own), cancellationToken, ("file_id", fileId));
        var updated = await LoaderDb.ExecuteAsync(connection, LoaderSql.UpdateConflicts(contract), cancellationToken, ("file_id", fileId));
        if (copied != updated)
        {
            throw new TransactionEtlException(
                $"accounting mismatch: {copied} stored rows copied to txetl.{history}, {updated} updated; the load was rolled back. " +
                "This is a bug or a concurrent change of the stored rows; load the file again.");
        }

        return updated;
    }

    /// <summary>The columns of a user's own table beyond the contract's that its history keeps as well, in table order.</summary>
    private async Task<string[]> OwnHistoryColumnsAsync(string history, CancellationToken cancellationToken)
    {
        var written = request.Contract.OutputColumns.Select(c => c.Name).Concat(ContractDdl.BookkeepingColumns)
            .ToHashSet(StringComparer.Ordinal);
        var table = await TableShape.ReadAsync(connection, ContractDdl.QualifiedTable(request.Contract.TargetTable), cancellationToken);
        var kept = (await TableShape.ReadAsync(connection, ContractDdl.QualifiedTable(history), cancellationToken))?.Columns
            .Select(c => c.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        return (table?.Columns ?? []).Select(c => c.Name).Where(name => !written.Contains(name) && kept.Contains(name))
            .ToArray();
    }

    /// <summary>Rejects the valid rows whose unique column's value another row stored (<see cref="LoaderSql.MarkStoredUnique"/>).</summary>
    private async Task<long> MarkStoredUniqueAsync(CancellationToken cancellationToken)
    {
        // point has neither an equality operator nor a btree operator class: no UNIQUE constraint can hold one.
        var columns = request.Contract.OutputColumns.Where(c => c.Unique && c.Type != ColumnType.Point).ToArray();
        if (columns.Length == 0)
        {
            return 0;
        }

        var parameters = columns.Select((c, i) => ($"column_{i}", (object?)c.Name))
            .Append(("target", PgIdentifier.TargetTable(request.Contract)))
            .Append(("message", RowMessages.StoredUniqueSqlFormat))
            .ToArray();
        return await LoaderDb.ExecuteAsync(connection, LoaderSql.MarkStoredUnique(request.Contract, columns), cancellationToken, parameters);
    }

    private async Task<long> RecordDuplicateExistingAsync(CancellationToken cancellationToken) =>
        await LoaderDb.ExecuteAsync(connection, LoaderSql.RecordDuplicateExisting(request.Contract), cancellationToken,
            ("file_id", fileId), ("key_column", KeyColumn(request.Contract)), ("message", RowMessages.DuplicateExistingSqlFormat));

    /// <summary>The error's column for a key row: the key's columns, comma-separated (as the ledger has always stored it).</summary>
    private static string KeyColumn(Contract contract) => string.Join(",", contract.PrimaryKey);
}
