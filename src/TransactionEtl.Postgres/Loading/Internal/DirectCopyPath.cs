using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The direct path: valid rows COPY'd (binary format, written by <see cref="BinaryCopyWriter"/>) straight into the target
/// inside a savepoint, rejected rows spooled and binary-COPY'd into <c>rejected_rows</c> after. A key that repeats in the file or is stored already
/// makes the COPY fail with a unique violation: then everything since the savepoint is undone and the
/// caller falls back to the staging path, which resolves duplicates row by row as the spec says. A file
/// over the reject threshold (or rejected as a whole) needs no fallback: its COPY succeeded, so it has
/// no duplicates, and undoing the inserted rows leaves exactly the staging path's result.
/// </summary>
internal static class DirectCopyPath
{
    public static async Task<DirectAttempt> TryAsync(
        NpgsqlConnection connection, LoadRequest request, long fileId, CancellationToken cancellationToken)
    {
        await LoaderDb.ExecuteAsync(connection, LoaderSql.SavepointDirect, cancellationToken);
        var rejects = new RejectSpool();
        await using (rejects)
        {
            FileResult? result = null;
            long copied;
            try
            {
                var copy = await connection.BeginRawBinaryCopyAsync(LoaderSql.CopyIntoTarget(request.Contract), cancellationToken);
                (result, copied) = await SendAsync(copy, request, fileId, rejects, cancellationToken);
                // Ends the COPY: a unique violation surfaces here, after the whole file was sent (so its hash is known).
                await copy.DisposeAsync();
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
            {
                // Rolling back to the savepoint also releases the row locks the COPY took (a deadlock's cause).
                await LoaderDb.ExecuteAsync(connection, LoaderSql.RollbackDirect, cancellationToken);
                var reason = ex.SqlState == PostgresErrorCodes.UniqueViolation
                    ? "a primary-key value repeats in the file or is stored already, or a unique column's value is stored already"
                    : "a deadlock with a concurrent load of overlapping ids";
                return new DirectAttempt.FellBack(reason, result?.Sha256);
            }

            if (result.IsRejected)
            {
                await LoaderDb.ExecuteAsync(connection, LoaderSql.RollbackDirect, cancellationToken);
            }
            else
            {
                await LoaderDb.ExecuteAsync(connection, LoaderSql.ReleaseDirect, cancellationToken);
                if (copied != result.RowsValid)
                {
                    throw new TransactionEtlException(
                        $"accounting mismatch: {result.RowsValid} valid rows read, {copied} copied; the load was rolled back. This is a bug; load the file again.");
                }
            }

            await rejects.CopyToAsync(connection, fileId, cancellationToken);
            return new DirectAttempt.Loaded(result);
        }
    }

    /// <summary>Streams the file through the engine into the COPY, leaving it open; a failed read aborts it.</summary>
    private static async Task<(FileResult Result, long Copied)> SendAsync(
        NpgsqlRawCopyStream copy, LoadRequest request, long fileId, RejectSpool rejects, CancellationToken cancellationToken)
    {
        var sink = new DirectSink(new BinaryCopyWriter(copy), request.Contract.OutputColumns, fileId, rejects);
        FileResult result;
        try
        {
            result = await FileProcessor.ProcessAsync(request.Content, sink, request.EngineOptions(), cancellationToken);
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

        return (result, sink.Accepted);
    }
}
