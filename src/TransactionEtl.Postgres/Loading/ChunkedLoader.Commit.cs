using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Loading;

/// <summary>The commit step of <see cref="ChunkedLoader"/>.</summary>
public sealed partial class ChunkedLoader
{
    private const string PathName = "chunked";

    /// <summary>
    /// Decides for the whole file in one transaction, exactly as <see cref="FileLoader"/> decides for the same bytes: under
    /// the source lock, the attempt must still be current, every chunk up to the first with a file-level error done and
    /// the hash known; under the hash's lock, content loaded already is answered <c>already_loaded</c>. The chunks'
    /// records then fill the staging table with the file's line numbers and the staging path's resolution runs unchanged
    /// (in-file duplicates, first in file order wins; unique values and keys stored before; the contract's onExistingKey;
    /// the reject threshold over all rows; the merge in key order; rejected rows with their raw text). The ledger row is
    /// finished and the work table dropped in the same transaction. A chunk with a file-level error (the file is rejected
    /// as a whole) makes the commit drop the chunks' work and read <see cref="LoadRequest.Content"/> single-stream
    /// (<see cref="FileLoader.LoadAsync"/>): the rows a single stream counts before such an error depend on its read-ahead.
    /// </summary>
    /// <param name="ticket">The attempt (<see cref="BeginAsync"/>).</param>
    /// <param name="request">
    /// The file's request: its source (the ledger's and the summary's name), contract (the ticket's), reject ratio, lock
    /// timeout, progress and <see cref="LoadRequest.ConfirmUnchangedAsync"/>; <see cref="LoadRequest.Content"/> is read only
    /// when a chunk found a file-level error.
    /// </param>
    /// <param name="cancellationToken">Cancels the commit; nothing is stored.</param>
    /// <returns>The file's summary, as <see cref="FileLoader.LoadAsync"/> returns it for every outcome decided by the data.</returns>
    /// <exception cref="TransactionEtlException">
    /// The commit failed (a chunk not loaded, the hash not stored, the attempt superseded, the database, the file changed);
    /// nothing of the file is stored and the ledger row says <c>failed</c> (unless a later attempt owns it). The work table
    /// stays, so the commit may be run again; the next <see cref="BeginAsync"/> of the file drops it.
    /// </exception>
    public async Task<FileSummary> CommitAsync(ChunkTicket ticket, LoadRequest request, CancellationToken cancellationToken)
    {
        EnsureSameContract(ticket, request);
        var started = Stopwatch.GetTimestamp();
        FileSummary? summary;
        var connection = await ConnectAsync(request.Source, cancellationToken);
        await using (connection)
        {
            var ledger = new LedgerWriter(_dataSource, connection, request);
            try
            {
                await LoaderDb.LockSourceAsync(connection, request.Source, cancellationToken);
                summary = await CommitInTransactionAsync(connection, ledger, ticket, request, started, cancellationToken);
            }
            catch (Exception ex)
            {
                var failure = await FileLoader.RecordFailureAsync(
                    _logger, message => ledger.MarkFailedAsync(ticket.FileId, message, ticket.Attempt), ticket.FileId, request, ex);
                if (failure is not null)
                {
                    throw failure;
                }

                throw; // cancellation, or a bug: either surfaces as itself (the ledger row says failed either way)
            }
            finally
            {
                await FileLoader.UnlockSourceAsync(connection, request.Source);
            }
        }

        // A file-level error: the file is rejected as a whole, but how many rows before the error a single stream counts
        // depends on how far it had read ahead (an invalid UTF-8 byte is found up to a buffer early), which no chunk can
        // know. So such a file is read single-stream for the exact same rejection; FileLoader takes the ledger row over
        // (attempt + 1), once the source lock above is released.
        return summary ?? await new FileLoader(_dataSource, _logger).LoadAsync(request, cancellationToken);
    }

    /// <summary>The file's summary; null when a chunk found a file-level error (the work is dropped, the ledger row left loading).</summary>
    private async Task<FileSummary?> CommitInTransactionAsync(
        NpgsqlConnection connection, LedgerWriter ledger, ChunkTicket ticket, LoadRequest request, long started, CancellationToken cancellationToken)
    {
        var fileId = ticket.FileId;
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (transaction)
        {
            await LoaderDb.ExecuteAsync(connection, LoaderSql.SetLockTimeout, cancellationToken,
                ("lock_timeout", FileLoader.LockTimeoutSetting(request.LockTimeout)));
            var combined = await CombineAsync(connection, ticket, request, cancellationToken);
            var sha256 = combined.Result.Sha256;
            if (combined.Result.ErrorCode is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
                await DropWorkAsync(connection, ticket, cancellationToken);
                return null;
            }

            // From here to commit no other loader can commit the same bytes (the lock is held until commit).
            await LoaderDb.ExecuteAsync(connection, LoaderSql.LockSha256, cancellationToken, ("sha256", sha256));
            if (await ledger.FindLoadedAsync(sha256, cancellationToken) is { } original)
            {
                await transaction.RollbackAsync(cancellationToken);
                await ledger.MarkAlreadyLoadedAsync(fileId, original, sha256, cancellationToken);
                await DropWorkAsync(connection, ticket, cancellationToken);
                _logger.AlreadyLoaded(request.Source.Uri, original);
                return FileLoader.AlreadyLoaded(request, original, sha256, started);
            }

            await ContractTable.EnsureAsync(connection, request.Contract, request.Source.Uri, cancellationToken);
            await FillStageAsync(connection, ticket, request.Contract, combined, cancellationToken);
            var keys = await new StagingPath(connection, request, fileId, _logger).ResolveAsync(combined.Result, cancellationToken);
            request.Report(LoadPhase.Committing);
            var summary = FileSummary.From(FileLoader.DisplayName(request.Source), combined.Result, keys.InFileDuplicates,
                    keys.DuplicateExisting, keys.StoredUnique, keys.Conflicts)
                with { FileId = fileId, DurationMs = FileLoader.ElapsedMs(started) };
            await ledger.FinishAsync(fileId, summary, combined.Result, cancellationToken);
            await FileLoader.EnsureUnchangedAsync(request, sha256, cancellationToken);
            await DropWorkAsync(connection, ticket, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            summary = summary with { DurationMs = FileLoader.ElapsedMs(started) };
            _logger.LoadFinished(fileId, request.Source.Uri, summary.Status, PathName, summary.RowsTotal, summary.RowsLoaded,
                summary.RowsRejected, summary.RowsDuplicate, summary.RowsConflicting, summary.RowsUpdated, summary.DurationMs);
            return summary;
        }
    }

    /// <summary>The attempt, locked and checked, and its chunks' outcomes joined (<see cref="ChunkCombiner"/>).</summary>
    private static async Task<ChunkCombiner> CombineAsync(
        NpgsqlConnection connection, ChunkTicket ticket, LoadRequest request, CancellationToken cancellationToken)
    {
        var sha256 = await LoaderDb.ScalarAsync<string>(connection, ChunkSql.LockAttempt, cancellationToken,
            ("file_id", ticket.FileId), ("attempt", ticket.Attempt)) ?? throw Superseded(ticket, request.Source);
        if (sha256.Length == 0)
        {
            throw new TransactionEtlException(
                $"{request.Source.Uri}: the SHA-256 of file {ticket.FileId} attempt {ticket.Attempt} is not stored; hash the file before the commit. Nothing was loaded.");
        }

        var ratio = new ProcessingOptions { Contract = request.Contract, MaxRejectedRatio = request.MaxRejectedRatio }.EffectiveMaxRejectedRatio;
        var rows = await ChunkRows.ReadAsync(connection, ticket, cancellationToken);
        return ChunkCombiner.Combine(rows, ticket, sha256, ratio, request.Source);
    }

    /// <summary>
    /// The staging table of the staging path, filled from the work table with the file's line numbers. Each chunk must
    /// have as many rows as it counted: an UNLOGGED table is emptied by a server crash, and its chunk rows would not know.
    /// </summary>
    private static async Task FillStageAsync(
        NpgsqlConnection connection, ChunkTicket ticket, Contract contract, ChunkCombiner combined, CancellationToken cancellationToken)
    {
        var counted = new Dictionary<int, long>();
        var command = new NpgsqlCommand(ChunkSql.CountWorkRows(ticket.WorkTable), connection);
        await using (command)
        {
            command.Parameters.AddWithValue("last", combined.Chunks[^1]);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            await using (reader)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    counted[reader.GetInt32(0)] = reader.GetInt64(1);
                }
            }
        }

        for (var i = 0; i < combined.Chunks.Length; i++)
        {
            if (counted.GetValueOrDefault(combined.Chunks[i]) != combined.Records[i])
            {
                throw new TransactionEtlException(
                    $"file {ticket.FileId} attempt {ticket.Attempt}: chunk {combined.Chunks[i]} counted {combined.Records[i]} records but its work table " +
                    $"holds {counted.GetValueOrDefault(combined.Chunks[i])} (emptied by a server restart?); nothing was loaded. Run the file again.");
            }
        }

        await LoaderDb.ExecuteAsync(connection, LoaderSql.CreateStage(contract), cancellationToken);
        await LoaderDb.ExecuteAsync(connection, LoaderSql.StagingWorkMem, cancellationToken);
        await LoaderDb.ExecuteAsync(connection, ChunkSql.FillStage(ticket.WorkTable, contract), cancellationToken,
            ("chunks", combined.Chunks), ("offsets", combined.Offsets));
    }
}
