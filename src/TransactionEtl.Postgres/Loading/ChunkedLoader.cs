using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Loading;

/// <summary>
/// Loads one large plain-text CSV file in parallel byte ranges and commits it as one, with exactly the outcome of
/// <see cref="FileLoader.LoadAsync"/> on the same file (rows with their lines, rejects, counts, reasons, warnings,
/// status), all or nothing (issue 18 item 2; docs/architecture.md, "Chunked loads"). Four steps, each callable from
/// another process or machine: <see cref="BeginAsync"/> once, <see cref="LoadChunkAsync"/> once per chunk (in any
/// order, in parallel, each on its own connection; a retried chunk replaces its rows), <see cref="HashAsync"/> once
/// beside them, and <see cref="CommitAsync"/> once at the end. <see cref="ParallelLoad"/> runs them in one process.
/// </summary>
/// <remarks>
/// Between the steps the rows wait in the attempt's UNLOGGED work table <c>txetl_work."f&lt;file_id&gt;_a&lt;attempt&gt;"</c>
/// and each chunk's outcome in <c>txetl.ingestion_chunks</c> (migration 0008). Nothing reaches the target table before
/// the commit's single transaction. A later attempt of the same file (a re-run after a crash, or any load of the same
/// source) supersedes this one: its workers and commit then refuse, and its <see cref="BeginAsync"/> drops what this
/// attempt left.
/// </remarks>
public sealed partial class ChunkedLoader
{
    private const int HashBufferBytes = 1024 * 1024;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    /// <summary>Creates a chunked loader over <paramref name="dataSource"/> (the database must be migrated, 0008 included).</summary>
    /// <param name="dataSource">Connections to the migrated database; each step opens its own.</param>
    /// <param name="logger">Start, already loaded, finish and failure of each file; none when null.</param>
    public ChunkedLoader(NpgsqlDataSource dataSource, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Why <paramref name="contract"/>'s files must load single-stream (<see cref="FileLoader"/>) whatever their size, or
    /// null when they may load in chunks. A field marked <c>unique</c> is checked by the engine against every earlier row
    /// of the stream, which a chunk does not see. (Compressed, ZIP, Excel and Parquet files, and dialects the planner
    /// cannot split, are the caller's and the planner's to refuse: <see cref="ChunkPlan.SingleChunkReason"/>.)
    /// </summary>
    public static string? CannotChunk(Contract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return contract.OutputColumns.FirstOrDefault(c => c.Unique) is { } unique
            ? $"the contract's field '{unique.Name}' is unique within the file, which only a single stream can check"
            : null;
    }

    /// <summary>
    /// Begins a chunked attempt of <paramref name="request"/>'s file over <paramref name="plan"/>, under the source's
    /// advisory lock as <see cref="FileLoader"/>: content loaded already (by the source and size and
    /// <see cref="LoadRequest.HashContentAsync"/>, or a pinned S3 version) is answered <c>already_loaded</c>; else the
    /// ledger row goes <c>loading</c> (new, or the source's unfinished row taken over: attempt + 1), every work table and
    /// chunk row an earlier attempt of the file left is dropped, and the attempt's work table and one chunk row per
    /// chunk are created. <see cref="LoadRequest.Content"/> is not read.
    /// </summary>
    /// <exception cref="TransactionEtlException">The database failed (transient or not); nothing was begun.</exception>
    public async Task<ChunkedLoadStart> BeginAsync(LoadRequest request, ChunkPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(plan);
        if (CannotChunk(request.Contract) is { } why)
        {
            throw new ArgumentException($"{request.Source.Uri}: cannot load in chunks: {why}.", nameof(request));
        }

        var started = Stopwatch.GetTimestamp();
        var connection = await ConnectAsync(request.Source, cancellationToken);
        await using (connection)
        {
            try
            {
                await LoaderDb.LockSourceAsync(connection, request.Source, cancellationToken);
                var ledger = new LedgerWriter(_dataSource, connection, request);
                var (original, knownSha256) = await ledger.FindLoadedBeforeAsync(cancellationToken);
                if (original is { } loadedBefore)
                {
                    await ledger.RecordAlreadyLoadedAsync(loadedBefore, knownSha256, cancellationToken);
                    _logger.AlreadyLoaded(request.Source.Uri, loadedBefore);
                    return new ChunkedLoadStart { AlreadyLoaded = FileLoader.AlreadyLoaded(request, loadedBefore, knownSha256 ?? "", started) };
                }

                var ticket = await BeginAttemptAsync(connection, ledger, request, plan, cancellationToken);
                _logger.LoadStarting(request.Source.Uri, ticket.FileId, request.SizeBytes);
                return new ChunkedLoadStart { Ticket = ticket };
            }
            catch (Exception ex) when (LoadFailures.IsLoadFailure(ex))
            {
                throw LoadFailures.Wrap(request.Source, "the chunked load could not begin", ex, request.LockTimeout);
            }
            finally
            {
                await FileLoader.UnlockSourceAsync(connection, request.Source);
            }
        }
    }

    /// <summary>
    /// Reads chunk <paramref name="chunkIndex"/> of the ticket's plan through <paramref name="read"/> with the same engine
    /// as a single-stream load (<see cref="FileProcessor.ProcessChunkAsync"/>) and COPYs every record, valid or rejected,
    /// into the work table; the chunk row becomes <c>done</c> with the chunk's outcome. One transaction on its own
    /// connection: a worker killed mid-COPY leaves nothing of its chunk, and a chunk loaded again replaces its rows.
    /// </summary>
    /// <param name="ticket">The attempt (<see cref="BeginAsync"/>).</param>
    /// <param name="request">The file's request: its contract (the ticket's) and reject ratio; <see cref="LoadRequest.Content"/> is not read.</param>
    /// <param name="chunkIndex">The chunk, 0 to <see cref="ChunkTicket.ChunkCount"/> - 1.</param>
    /// <param name="read">Opens byte ranges of the file (a local file's seek, an S3 ranged GET of the same version).</param>
    /// <param name="bytesRead">Called as the engine reads, with the bytes of this chunk's stream read so far (for progress); may be null.</param>
    /// <param name="cancellationToken">Cancels the chunk; nothing of it is kept.</param>
    /// <returns>
    /// The chunk's outcome as <see cref="FileProcessor.ProcessChunkAsync"/> returns it (lines counted from the chunk's start;
    /// a file-level error's message counts the lines of the chunk's stream, which begins with the file's prefix).
    /// </returns>
    /// <exception cref="TransactionEtlException">
    /// The database or the read failed, or the attempt was superseded or is over (then not transient); nothing of the chunk is kept.
    /// </exception>
    public async Task<ChunkResult> LoadChunkAsync(
        ChunkTicket ticket, LoadRequest request, int chunkIndex, ByteRangeReader read, Action<long>? bytesRead, CancellationToken cancellationToken)
    {
        EnsureSameContract(ticket, request);
        ArgumentNullException.ThrowIfNull(read);
        var chunk = ticket.Chunk(chunkIndex);
        var connection = await ConnectAsync(request.Source, cancellationToken);
        await using (connection)
        {
            try
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (transaction)
                {
                    await LoaderDb.ExecuteAsync(connection, LoaderSql.SetLockTimeout, cancellationToken,
                        ("lock_timeout", FileLoader.LockTimeoutSetting(request.LockTimeout)));
                    await ClaimChunkAsync(connection, ticket, request, chunkIndex, cancellationToken);
                    var outcome = await CopyChunkAsync(connection, ticket, request, chunk, read, bytesRead, cancellationToken);
                    await LoaderDb.ExecuteAsync(connection, ChunkSql.FinishChunk, cancellationToken, ChunkRows.FinishParameters(ticket, outcome));
                    await transaction.CommitAsync(cancellationToken);
                    return outcome;
                }
            }
            catch (Exception ex) when (LoadFailures.IsLoadFailure(ex))
            {
                throw LoadFailures.Wrap(request.Source, $"chunk {chunkIndex} of file {ticket.FileId} failed", ex, request.LockTimeout);
            }
        }
    }

    /// <summary>
    /// The whole file's SHA-256 (lower-case hex), read sequentially from <paramref name="content"/> beside the chunk
    /// workers, and stored for the commit: the ledger's identity of a file is its stored bytes' hash, as for a
    /// single-stream load, and it is no function of the chunks'. The stream is read to its end, not disposed.
    /// </summary>
    /// <exception cref="TransactionEtlException">
    /// The stream's length is not the plan's (the file changed), the attempt was superseded, or the database failed.
    /// </exception>
    public async Task<string> HashAsync(ChunkTicket ticket, SourceIdentity source, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(content);
        var (sha256, length) = await HashStreamAsync(content, cancellationToken);
        if (length != ticket.Length)
        {
            throw LoadFailures.FileChanged(source, $"{ticket.Length} bytes planned, {length} bytes hashed");
        }

        var connection = await ConnectAsync(source, cancellationToken);
        await using (connection)
        {
            try
            {
                var stored = await LoaderDb.ExecuteAsync(connection, ChunkSql.StoreHash, cancellationToken,
                    ("sha256", sha256), ("file_id", ticket.FileId), ("attempt", ticket.Attempt));
                return stored == 1 ? sha256 : throw Superseded(ticket, source);
            }
            catch (Exception ex) when (LoadFailures.IsLoadFailure(ex))
            {
                throw LoadFailures.Wrap(source, $"hashing file {ticket.FileId} failed", ex);
            }
        }
    }

    /// <summary>
    /// Gives the attempt up after a chunk or the hash failed for good: the ledger row says <c>failed</c> with
    /// <paramref name="reason"/> (only while the attempt is still the current one) and its work table and chunk rows are
    /// dropped. Best effort: a failure here leaves them to the next <see cref="BeginAsync"/> of the file, which drops them.
    /// </summary>
    public async Task AbandonAsync(ChunkTicket ticket, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(reason);
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using (connection)
            {
                await LoaderDb.ExecuteAsync(connection, ChunkSql.MarkAttemptFailed, cancellationToken,
                    ("error", PgText.Storable(reason)), ("file_id", ticket.FileId), ("attempt", ticket.Attempt));
                await DropWorkAsync(connection, ticket, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            // The original failure is what the caller reports; the next Begin of this file cleans up.
        }
    }

    private static async Task<ChunkTicket> BeginAttemptAsync(
        NpgsqlConnection connection, LedgerWriter ledger, LoadRequest request, ChunkPlan plan, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (transaction)
        {
            await LoaderDb.ExecuteAsync(connection, LoaderSql.SetLockTimeout, cancellationToken,
                ("lock_timeout", FileLoader.LockTimeoutSetting(request.LockTimeout)));
            await ContractTable.EnsureAsync(connection, request.Contract, request.Source.Uri, cancellationToken);
            var fileId = await ledger.BeginAsync(cancellationToken);
            var attempt = await LoaderDb.ScalarAsync<int>(connection, ChunkSql.FindAttempt, cancellationToken, ("file_id", fileId));
            await DropAttemptsAsync(connection, fileId, cancellationToken);
            var ticket = ChunkTicket.For(fileId, attempt, request.Contract, plan);
            await LoaderDb.ExecuteAsync(connection, ChunkSql.InsertChunkLoad, cancellationToken,
                ("file_id", fileId), ("attempt", attempt), ("size", plan.Length), ("prefix_length", plan.PrefixLength),
                ("chunk_count", plan.Chunks.Count));
            await LoaderDb.ExecuteAsync(connection, ChunkSql.InsertChunks, cancellationToken,
                ("file_id", fileId), ("attempt", attempt),
                ("starts", plan.Chunks.Select(c => c.Start).ToArray()), ("lengths", plan.Chunks.Select(c => c.Length).ToArray()));
            await LoaderDb.ExecuteAsync(connection, ChunkSql.CreateWorkTable(ticket.WorkTable, request.Contract), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return ticket;
        }
    }

    /// <summary>
    /// Every work table and chunk row any chunked attempt of the file left (a dead or superseded one's): run by a new
    /// chunked attempt and by a single-stream load (<see cref="FileLoader"/>) that takes the file's ledger row over.
    /// </summary>
    internal static async Task DropAttemptsAsync(NpgsqlConnection connection, long fileId, CancellationToken cancellationToken)
    {
        // Rows first: a live worker of an older attempt holds its chunk row until its commit, so this waits for it
        // instead of dropping a table under its COPY.
        await LoaderDb.ExecuteAsync(connection, ChunkSql.DeleteChunkLoad, cancellationToken, ("file_id", fileId));
        var names = new List<string>();
        var command = new NpgsqlCommand(ChunkSql.WorkTablesOfFile, connection);
        await using (command)
        {
            command.Parameters.AddWithValue("pattern", $"f{fileId}\\_a%");
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            await using (reader)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    names.Add(reader.GetString(0));
                }
            }
        }

        foreach (var name in names)
        {
            await LoaderDb.ExecuteAsync(connection, ChunkSql.DropWorkTable($"{ChunkSql.WorkSchema}.{PgIdentifier.Quote(name)}"), cancellationToken);
        }
    }

    private static async Task DropWorkAsync(NpgsqlConnection connection, ChunkTicket ticket, CancellationToken cancellationToken)
    {
        await LoaderDb.ExecuteAsync(connection, ChunkSql.DropWorkTable(ticket.WorkTable), cancellationToken);
        await LoaderDb.ExecuteAsync(connection, ChunkSql.DeleteChunkLoadOfAttempt, cancellationToken,
            ("file_id", ticket.FileId), ("attempt", ticket.Attempt));
    }

    private static async Task ClaimChunkAsync(
        NpgsqlConnection connection, ChunkTicket ticket, LoadRequest request, int chunkIndex, CancellationToken cancellationToken)
    {
        if (await LoaderDb.ScalarAsync<string>(connection, ChunkSql.ClaimChunk, cancellationToken,
                ("file_id", ticket.FileId), ("chunk", chunkIndex), ("attempt", ticket.Attempt)) is null)
        {
            throw Superseded(ticket, request.Source);
        }

        await LoaderDb.ExecuteAsync(connection, ChunkSql.DeleteChunkRows(ticket.WorkTable), cancellationToken, ("chunk", chunkIndex));
    }

    private static async Task<ChunkResult> CopyChunkAsync(
        NpgsqlConnection connection, ChunkTicket ticket, LoadRequest request, FileChunk chunk, ByteRangeReader read,
        Action<long>? bytesRead, CancellationToken cancellationToken)
    {
        var options = new ProcessingOptions
        {
            Contract = request.Contract,
            // Keys repeated in the file are the commit's to find, across chunks, first in file order.
            DetectDuplicatesInMemory = false,
            MaxRejectedRatio = request.MaxRejectedRatio,
            MaxDecompressedBytes = request.MaxDecompressedBytes,
            MaxDecompressionRatio = request.MaxDecompressionRatio,
            Progress = bytesRead,
        };
        var importer = await connection.BeginBinaryImportAsync(ChunkSql.CopyIntoWork(ticket.WorkTable, request.Contract), cancellationToken);
        await using (importer)
        {
            var sink = new StagingSink(importer, request.Contract.OutputColumns, chunk.Index);
            var outcome = await FileProcessor.ProcessChunkAsync(read, ticket.ToPlan(), chunk, sink, options, cancellationToken);
            await importer.CompleteAsync(cancellationToken);
            return outcome;
        }
    }

    private static async Task<(string Sha256, long Length)> HashStreamAsync(Stream content, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(HashBufferBytes);
        try
        {
            long length = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, HashBufferBytes), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
            }

            return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void EnsureSameContract(ChunkTicket ticket, LoadRequest request)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(request);
        if (!string.Equals(ticket.ContractSha256, request.Contract.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"{request.Source.Uri}: file {ticket.FileId} attempt {ticket.Attempt} was begun with the contract of SHA-256 " +
                $"{ticket.ContractSha256}, not {request.Contract.Name} ({request.Contract.Sha256}).", nameof(request));
        }
    }

    private static TransactionEtlException Superseded(ChunkTicket ticket, SourceIdentity source) => new(
        $"{source.Uri}: attempt {ticket.Attempt} of file {ticket.FileId} is no longer current (a later attempt of the same file " +
        "began, or this one was committed or failed); nothing of it is kept. Run the file again if it is not loaded.");

    private Task<NpgsqlConnection> ConnectAsync(SourceIdentity source, CancellationToken cancellationToken) =>
        LoaderDb.ConnectAsync(_dataSource, source, cancellationToken);
}
