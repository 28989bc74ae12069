using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The direct path: valid rows COPY'd (binary format, written by <see cref="BinaryCopyWriter"/>) straight into the target
/// inside a savepoint, rejected rows spooled and binary-COPY'd into <c>rejected_rows</c> after. A key that repeats in
/// the file is caught in memory (<see cref="InFileKeySet"/>, bounded) and rejected as the staging path would. A key
/// stored already, or a repeat the full key set could not remember, makes the COPY fail with a unique violation: then
/// everything since the savepoint is undone and the caller falls back to the staging path, which resolves duplicates
/// row by row as the spec says. A file over the reject threshold (or rejected as a whole) needs no fallback: its COPY
/// succeeded, so no key it sent repeats or is stored, and undoing the inserted rows leaves exactly the staging path's
/// result.
/// </summary>
internal static class DirectCopyPath
{
    // In COPY mode Npgsql's write buffer keeps 10 bytes for itself: the CopyData header (a type byte and a 32-bit
    // length) at its start, and the 5 bytes by which it shrinks its own size.
    private const int CopyModeReserve = 10;

    public static async Task<DirectAttempt> TryAsync(
        NpgsqlConnection connection, LoadRequest request, long fileId, CancellationToken cancellationToken)
    {
        await LoaderDb.ExecuteAsync(connection, LoaderSql.SavepointDirect, cancellationToken);
        var rejects = new RejectSpool();
        await using (rejects)
        {
            FileResult? result = null;
            DirectSink sink;
            var keys = request.InFileKeyBudgetBytes > 0 ? new InFileKeySet(request.InFileKeyBudgetBytes) : null;
            try
            {
                var copy = await connection.BeginRawBinaryCopyAsync(LoaderSql.CopyIntoTarget(request.Contract), cancellationToken);
                var writer = new BinaryCopyWriter(copy, CopyChunkBytes(connection));
                (result, sink) = await SendAsync(copy, writer, request, fileId, rejects, keys, cancellationToken);
                // Ends the COPY: a unique violation surfaces here, after the whole file was sent (so its hash is known).
                await copy.DisposeAsync();
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
            {
                // Rolling back to the savepoint also releases the row locks the COPY took (a deadlock's cause).
                await LoaderDb.ExecuteAsync(connection, LoaderSql.RollbackDirect, cancellationToken);
                var reason = ex.SqlState != PostgresErrorCodes.UniqueViolation ? "a deadlock with a concurrent load of overlapping ids"
                    : keys is { Overflowed: false } ? "a primary-key value is stored already, or a unique column's value is"
                    : "a primary-key value is stored already or repeats in the file (the in-file key set was off or full), or a unique column's value is stored already";
                return new DirectAttempt.FellBack(reason, result?.Sha256);
            }

            var counts = await SettleAsync(connection, result, sink, rejects, cancellationToken);
            await rejects.CopyToAsync(connection, fileId, cancellationToken);
            return new DirectAttempt.Loaded(result, counts);
        }
    }

    /// <summary>
    /// Keeps or undoes the copied rows by the staging path's rules (<see cref="StagingPath.ResolveAsync"/>): a file-level
    /// error marks no keys and loads nothing; the threshold counts in-file duplicates as rejects.
    /// </summary>
    private static async Task<KeyCounts> SettleAsync(
        NpgsqlConnection connection, FileResult result, DirectSink sink, RejectSpool rejects, CancellationToken cancellationToken)
    {
        if (result.ErrorCode is not null)
        {
            rejects.DropKeyRejects();
            await LoaderDb.ExecuteAsync(connection, LoaderSql.RollbackDirect, cancellationToken);
            return KeyCounts.None;
        }

        var keys = new KeyCounts(sink.InFileDuplicates, 0);
        if (result.IsRejectedAfter(keys.InFileDuplicates))
        {
            await LoaderDb.ExecuteAsync(connection, LoaderSql.RollbackDirect, cancellationToken);
            return keys;
        }

        await LoaderDb.ExecuteAsync(connection, LoaderSql.ReleaseDirect, cancellationToken);
        if (sink.Accepted + sink.InFileDuplicates != result.RowsValid)
        {
            throw new TransactionEtlException(
                $"accounting mismatch: {result.RowsValid} valid rows read, {sink.Accepted} copied and {sink.InFileDuplicates} repeated ids; " +
                "the load was rolled back. This is a bug; load the file again.");
        }

        return keys;
    }

    /// <summary>
    /// The writer's chunk: as much as fits in the connection's Npgsql write buffer in COPY mode, so that each chunk is
    /// copied into it and goes out as one CopyData message in one send. A chunk larger than the buffer goes out with
    /// four sends: Npgsql flushes its empty CopyData message twice, then the header alone, then the chunk (8,733 of
    /// the 11,762 sendto calls of a 1M-row load were those 5-byte messages, each one a packet the server reads).
    /// </summary>
    internal static int CopyChunkBytes(NpgsqlConnection connection) =>
        new NpgsqlConnectionStringBuilder(connection.ConnectionString).WriteBufferSize - CopyModeReserve;

    /// <summary>Streams the file through the engine into the COPY, leaving it open; a failed read aborts it.</summary>
    private static async Task<(FileResult Result, DirectSink Sink)> SendAsync(
        NpgsqlRawCopyStream copy, BinaryCopyWriter writer, LoadRequest request, long fileId, RejectSpool rejects, InFileKeySet? keys,
        CancellationToken cancellationToken)
    {
        var sink = new DirectSink(writer, request.Contract, fileId, rejects, keys);
        FileResult result;
        try
        {
            result = await FileProcessor.ProcessAsync(request.Content, sink, request.EngineOptions(LoadPhase.Reading), cancellationToken);
            sink.Complete();
        }
        catch
        {
            // Disposing the COPY stream would commit what was sent; a failed read must abort the COPY instead.
            try
            {
                await copy.CancelAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or ObjectDisposedException)
            {
                // The original failure is what the caller must see; the transaction is rolled back either way.
            }

            throw;
        }

        return (result, sink);
    }
}
