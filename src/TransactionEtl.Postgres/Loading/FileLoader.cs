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
/// to a temporary file meanwhile, into <c>rejected_rows</c> after; an id repeated in the file is found in memory
/// (bounded: <see cref="LoadRequest.InFileKeyBudgetBytes"/>) and rejected there as staging would. If that COPY hits a
/// unique violation (an id stored before, or a repeat past the key budget) the loader rolls back to the savepoint and
/// falls back to staging, reading the source again. Staging: every record, valid or rejected, is binary-COPY'd into a temporary staging table;
/// SQL then marks in-file duplicate keys, applies the reject threshold, inserts the valid rows (keys already stored
/// become <c>duplicate-existing</c>) and records rejected rows with their raw text. Either way the ledger row is
/// finished in the same transaction. A failure before commit rolls all of it back and the ledger row is set to
/// <c>failed</c> with the error from a separate transaction. docs/performance.md has why there are two paths.</para>
/// </remarks>
public sealed class FileLoader
{
    /// <summary>
    /// The Npgsql <c>Write Buffer Size</c> a loader's data source should have at least. A load's binary COPY sends one
    /// CopyData message per write buffer, so Npgsql's default of 8 KiB makes 8x the messages and sends of 64 KiB
    /// (docs/performance.md, session 12, writer).
    /// </summary>
    public const int MinimumWriteBufferSize = 1 << 16;

    /// <summary>
    /// Raises <paramref name="builder"/>'s <c>Write Buffer Size</c> to <see cref="MinimumWriteBufferSize"/> when it is
    /// smaller (a larger one, set by the user, is kept): for every data source a loader is given (the CLI's, the Lambda's).
    /// </summary>
    public static void RaiseWriteBufferSize(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WriteBufferSize = Math.Max(builder.WriteBufferSize, MinimumWriteBufferSize);
    }

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
    /// <remarks>Any other exception is a bug: it surfaces as itself, and the ledger row says <c>failed</c> with its type.</remarks>
    public async Task<FileSummary> LoadAsync(LoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var connection = await ConnectAsync(request.Source, cancellationToken);
        await using (connection)
        {
            var ledger = new LedgerWriter(_dataSource, connection, request);
            long? fileId = null;
            try
            {
                await LoaderDb.LockSourceAsync(connection, request.Source, cancellationToken);
                var (original, knownSha256) = await ledger.FindLoadedBeforeAsync(cancellationToken);
                if (original is { } loadedBefore)
                {
                    return await AnswerAlreadyLoadedAsync(ledger, request, loadedBefore, knownSha256, started, cancellationToken);
                }

                fileId = await ledger.BeginAsync(cancellationToken);
                if (ledger.TookOver)
                {
                    // A chunked attempt of this file that died or was given up leaves its work; this load supersedes it.
                    await ChunkedLoader.DropAttemptsAsync(connection, fileId.Value, cancellationToken);
                }
                return await LoadInTransactionAsync(connection, ledger, request, knownSha256, fileId.Value, started, cancellationToken);
            }
            catch (Exception ex) when (fileId is { } id)
            {
                if (await RecordFailureAsync(_logger, message => ledger.MarkFailedAsync(id, message), id, request, ex) is { } failure)
                {
                    throw failure;
                }

                throw; // cancellation, or a bug: either surfaces as itself (the ledger row says failed either way)
            }
            catch (Exception ex) when (LoadFailures.IsLoadFailure(ex))
            {
                throw LoadFailures.Wrap(request.Source, "the load failed", ex, request.LockTimeout);
            }
            finally
            {
                await UnlockSourceAsync(connection, request.Source);
            }
        }
    }

    private Task<NpgsqlConnection> ConnectAsync(SourceIdentity source, CancellationToken cancellationToken) =>
        LoaderDb.ConnectAsync(_dataSource, source, cancellationToken);

    private async Task<FileSummary> AnswerAlreadyLoadedAsync(
        LedgerWriter ledger, LoadRequest request, long original, string? sha256, long started, CancellationToken cancellationToken)
    {
        await ledger.RecordAlreadyLoadedAsync(original, sha256, cancellationToken);
        _logger.AlreadyLoaded(request.Source.Uri, original);
        return AlreadyLoaded(request, original, sha256 ?? "", started);
    }

    private async Task<FileSummary> LoadInTransactionAsync(
        NpgsqlConnection connection, LedgerWriter ledger, LoadRequest request, string? knownSha256, long fileId, long started,
        CancellationToken cancellationToken)
    {
        _logger.LoadStarting(request.Source.Uri, fileId, request.SizeBytes);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (transaction)
        {
            await PrepareTransactionAsync(connection, request, cancellationToken);
            var staging = new StagingPath(connection, request, fileId, _logger);
            var read = await ReadAsync(connection, staging, request, fileId, cancellationToken);
            EnsureExpectedContent(request, knownSha256, read.Result);

            // From here to commit no other loader can commit the same bytes (the lock is held until commit).
            var sha256 = read.Result.Sha256;
            await LoaderDb.ExecuteAsync(connection, LoaderSql.LockSha256, cancellationToken, ("sha256", sha256));
            if (await ledger.FindLoadedAsync(sha256, cancellationToken) is { } original)
            {
                await transaction.RollbackAsync(cancellationToken);
                await ledger.MarkAlreadyLoadedAsync(fileId, original, sha256, cancellationToken);
                _logger.AlreadyLoaded(request.Source.Uri, original);
                return AlreadyLoaded(request, original, sha256, started);
            }

            var keys = read.IsStaged ? await staging.ResolveAsync(read.Result, cancellationToken) : read.DirectKeys;
            request.Report(LoadPhase.Committing);
            var summary = FileSummary.From(
                    DisplayName(request.Source), read.Result, keys.InFileDuplicates, keys.DuplicateExisting, keys.StoredUnique, keys.Conflicts)
                with { FileId = fileId, DurationMs = ElapsedMs(started) };
            await ledger.FinishAsync(fileId, summary, read.Result, cancellationToken);
            await EnsureUnchangedAsync(request, sha256, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            summary = summary with { DurationMs = ElapsedMs(started) };
            _logger.LoadFinished(fileId, request.Source.Uri, summary.Status, read.PathName, summary.RowsTotal, summary.RowsLoaded,
                summary.RowsRejected, summary.RowsDuplicate, summary.RowsConflicting, summary.RowsUpdated, summary.DurationMs);
            return summary;
        }
    }

    private static async Task PrepareTransactionAsync(NpgsqlConnection connection, LoadRequest request, CancellationToken cancellationToken)
    {
        // Bounds every lock wait inside the load (a table lock on the target, another load's uncommitted
        // keys) so that a stuck lock fails the load as transient instead of hanging it; local to this
        // transaction, so the wait for the source lock above stays unbounded.
        await LoaderDb.ExecuteAsync(connection, LoaderSql.SetLockTimeout, cancellationToken,
            ("lock_timeout", LockTimeoutSetting(request.LockTimeout)));
        await ContractTable.EnsureAsync(connection, request.Contract, request.Source.Uri, cancellationToken);
    }

    /// <summary>
    /// Reads the file into the database by the direct path when the source can be read a second time (falling back to
    /// staging on a repeated or stored key), else through the staging table at once.
    /// </summary>
    private async Task<ReadFile> ReadAsync(
        NpgsqlConnection connection, StagingPath staging, LoadRequest request, long fileId, CancellationToken cancellationToken)
    {
        var startPosition = request.Content.CanSeek ? request.Content.Position : -1;
        if (startPosition < 0 && request.OpenContentAgain is null)
        {
            _logger.LoadPathChosen(fileId, LoadPathNames.Staging, "the source cannot be read a second time, so there is no fallback for the direct path");
            return new ReadFile(LoadPath.Staging, await staging.StageAsync(request.Content, LoadPhase.Reading, cancellationToken));
        }

        _logger.LoadPathChosen(fileId, LoadPathNames.Direct, "the source can be read again if the direct COPY must fall back");
        var attempt = await DirectCopyPath.TryAsync(connection, request, fileId, cancellationToken);
        if (attempt is not DirectAttempt.FellBack fellBack)
        {
            var loaded = (DirectAttempt.Loaded)attempt;
            return new ReadFile(LoadPath.Direct, loaded.Result, loaded.Keys);
        }

        _logger.FastPathFellBack(fileId, fellBack.Reason);
        var result = await staging.StageAgainAsync(startPosition, cancellationToken);
        if (fellBack.FirstSha256 is { } first && !string.Equals(first, result.Sha256, StringComparison.Ordinal))
        {
            throw LoadFailures.FileChanged(request.Source, $"SHA-256 {first} at the first read, then {result.Sha256}");
        }

        return new ReadFile(LoadPath.StagingFallback, result);
    }

    /// <summary>The hash taken before loading (<see cref="LoadRequest.HashContentAsync"/>) must be the one of the bytes loaded.</summary>
    private static void EnsureExpectedContent(LoadRequest request, string? knownSha256, FileResult result)
    {
        if (knownSha256 is { } known && !string.Equals(known, result.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw LoadFailures.FileChanged(request.Source, $"SHA-256 {result.Sha256} read, {known} before");
        }
    }

    /// <summary>The last look before commit: the source must still hold exactly the bytes loaded (<see cref="LoadRequest.ConfirmUnchangedAsync"/>).</summary>
    internal static async Task EnsureUnchangedAsync(LoadRequest request, string sha256, CancellationToken cancellationToken)
    {
        if (request.ConfirmUnchangedAsync is { } confirm && await confirm(sha256, cancellationToken) is { } change)
        {
            throw LoadFailures.FileChanged(request.Source, change);
        }
    }

    /// <summary>
    /// Marks the ledger row failed and logs why. Returns the exception to throw for a load failure (database, stream,
    /// ours); null for cancellation and for anything else, a bug, which the caller rethrows unchanged.
    /// </summary>
    internal static async Task<Exception?> RecordFailureAsync(
        ILogger logger, Func<string, Task> markFailed, long fileId, LoadRequest request, Exception exception)
    {
        var source = request.Source;
        if (exception is OperationCanceledException)
        {
            await markFailed("cancelled before commit; nothing was loaded");
            logger.LoadCancelled(fileId, source.Uri);
            return null;
        }

        if (!LoadFailures.IsLoadFailure(exception))
        {
            var message = $"{source.Uri}: the load failed on an unexpected error ({exception.GetType().Name}: {exception.Message}); nothing was loaded.";
            await markFailed(message);
            logger.LoadFailed(fileId, source.Uri, false, message);
            return null;
        }

        var failure = LoadFailures.Wrap(source, "the load failed", exception, request.LockTimeout);
        failure.FileId ??= fileId;
        await markFailed(failure.Message);
        logger.LoadFailed(fileId, source.Uri, LoadFailures.IsTransient(failure), failure.Message);
        return failure;
    }

    internal static async Task UnlockSourceAsync(NpgsqlConnection connection, SourceIdentity source)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return; // a broken connection's session is gone, and its locks with it
        }

        try
        {
            await LoaderDb.ExecuteAsync(connection, LoaderSql.UnlockSource, CancellationToken.None, ("key", source.Key));
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            // Closing the connection below ends the session; pooled sessions are reset (DISCARD ALL) on reuse.
        }
    }

    internal static FileSummary AlreadyLoaded(LoadRequest request, long original, string sha256, long started) => new()
    {
        File = DisplayName(request.Source),
        FileId = original,
        Status = FileStatus.AlreadyLoaded,
        Sha256 = sha256,
        DurationMs = ElapsedMs(started),
    };

    internal static string DisplayName(SourceIdentity source) => source.LocalPath ?? source.Uri;

    internal static string LockTimeoutSetting(TimeSpan timeout) =>
        ((long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";

    internal static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
