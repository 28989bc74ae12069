using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Owns every statement that writes <c>txetl.ingestion_files</c> or asks it whether content is loaded already;
/// <see cref="IngestionLedger"/> is the read side for reports. All of them run on the load's connection except
/// <see cref="MarkFailedAsync"/>, which cannot trust it.
/// </summary>
internal sealed class LedgerWriter(NpgsqlDataSource dataSource, NpgsqlConnection connection, LoadRequest request)
{
    /// <summary>
    /// The loaded file that makes this load unnecessary, if the ledger can tell before the content is read: by the
    /// hash the caller can produce (asked for only when the same source with the same size is loaded already), or
    /// by the source itself when the source pins its content (an S3 object version).
    /// </summary>
    public async Task<(long? Original, string? Sha256)> FindLoadedBeforeAsync(CancellationToken cancellationToken)
    {
        var source = request.Source;
        string? sha256 = null;
        if (request.HashContentAsync is { } hashContent && request.SizeBytes is { } size
            && await LoaderDb.ScalarAsync<long?>(connection, LoaderSql.FindLoadedBySourceAndSize, cancellationToken,
                [("key", source.Key), ("size", size), .. IdentityParameters()]) is not null)
        {
            sha256 = await hashContent(cancellationToken);
        }

        var original = sha256 is null ? null : await FindLoadedAsync(sha256, cancellationToken);
        if (original is null && source.PinsContent)
        {
            original = await LoaderDb.ScalarAsync<long?>(connection, LoaderSql.FindLoadedBySource, cancellationToken,
                [("key", source.Key), .. IdentityParameters()]);
        }

        return (original, sha256);
    }

    /// <summary>The loaded file with these bytes; the caller holds the hash's lock when it is about to commit.</summary>
    public Task<long?> FindLoadedAsync(string sha256, CancellationToken cancellationToken) =>
        LoaderDb.ScalarAsync<long?>(connection, LoaderSql.FindLoadedBySha256, cancellationToken, [("sha256", sha256), .. IdentityParameters()]);

    /// <summary>A finished row <c>already_loaded</c> for a load answered before it began.</summary>
    public Task RecordAlreadyLoadedAsync(long original, string? sha256, CancellationToken cancellationToken) =>
        LoaderDb.ExecuteAsync(connection, LoaderSql.InsertAlreadyLoaded, cancellationToken,
            [.. SourceParameters(), ("sha256", sha256), ("duplicate_of", original)]);

    /// <summary>Whether <see cref="BeginAsync"/> took an unfinished row over (only then can a dead attempt have left work behind).</summary>
    public bool TookOver { get; private set; }

    /// <summary>The row <c>loading</c> of this load: a dead session's unfinished row of the source, taken over, or a new one.</summary>
    public async Task<long> BeginAsync(CancellationToken cancellationToken)
    {
        TookOver = false;
        var unfinished = await LoaderDb.ScalarAsync<long?>(connection, LoaderSql.FindUnfinished, cancellationToken, ("key", request.Source.Key));
        if (unfinished is { } previous)
        {
            await LoaderDb.ExecuteAsync(connection, LoaderSql.TakeOver, cancellationToken,
                [("size", request.SizeBytes), .. ContractParameters(), ("file_id", previous)]);
            TookOver = true;
            return previous;
        }

        return (await LoaderDb.ScalarAsync<long?>(connection, LoaderSql.InsertLoading, cancellationToken, SourceParameters()))!.Value;
    }

    /// <summary>Outside the rolled-back load transaction: the content turned out to be loaded by another source.</summary>
    public Task MarkAlreadyLoadedAsync(long fileId, long original, string sha256, CancellationToken cancellationToken) =>
        LoaderDb.ExecuteAsync(connection, LoaderSql.MarkAlreadyLoaded, cancellationToken,
            ("sha256", sha256), ("duplicate_of", original), ("file_id", fileId));

    /// <summary>Inside the load transaction, right before commit: the row takes the summary's status and counts.</summary>
    public Task FinishAsync(long fileId, FileSummary summary, FileResult result, CancellationToken cancellationToken) =>
        LoaderDb.ExecuteAsync(connection, LoaderSql.Finish, cancellationToken,
            ("status", summary.Status), ("sha256", result.Sha256), ("size", result.Bytes),
            ("rows_total", summary.RowsTotal), ("rows_loaded", summary.RowsLoaded),
            ("rows_rejected", summary.RowsRejected), ("rows_duplicate", summary.RowsDuplicate),
            ("rows_conflicting", summary.RowsConflicting), ("rows_updated", summary.RowsUpdated),
            ("blank_lines", summary.BlankLines), ("reject_reasons", LedgerJson.Reasons(summary.RejectReasons)),
            ("warnings", LedgerJson.Strings(summary.Warnings)), ("header", LedgerJson.Strings(result.Header)),
            ("error", PgText.StorableOrNull(summary.Error)),
            ("file_id", fileId));

    /// <summary>
    /// Records the failure from a fresh connection: the load connection may be the thing that broke. If
    /// this fails too, the row stays 'loading' without a live session and the next attempt takes it over.
    /// </summary>
    /// <param name="fileId">The row.</param>
    /// <param name="message">The error.</param>
    /// <param name="attempt">A chunked load's attempt: the row is failed only while that attempt is its current one.</param>
    public async Task MarkFailedAsync(long fileId, string message, int? attempt = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            var fresh = await dataSource.OpenConnectionAsync(timeout.Token);
            await using (fresh)
            {
                await (attempt is { } current
                    ? LoaderDb.ExecuteAsync(fresh, ChunkSql.MarkAttemptFailed, timeout.Token,
                        ("error", PgText.Storable(message)), ("file_id", fileId), ("attempt", current))
                    : LoaderDb.ExecuteAsync(fresh, LoaderSql.MarkFailed, timeout.Token,
                        ("error", PgText.Storable(message)), ("sha256", null), ("file_id", fileId)));
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or OperationCanceledException)
        {
            // The original failure is what the caller needs to see; this one only delays the ledger.
        }
    }

    private (string, object?)[] SourceParameters() =>
    [
        ("uri", request.Source.Uri), ("key", request.Source.Key), ("path", request.Source.LocalPath),
        ("bucket", request.Source.Bucket), ("object_key", request.Source.ObjectKey),
        ("version_id", request.Source.VersionId), ("etag", request.Source.ETag), ("size", request.SizeBytes),
        .. ContractParameters(),
    ];

    /// <summary>Which contract loads the file, and into which table: part of the file's identity (migration 0006).</summary>
    private (string, object?)[] ContractParameters() =>
        [("contract_version", request.Contract.Version), ("contract_sha256", request.Contract.Sha256), .. IdentityParameters()];

    private (string, object?)[] IdentityParameters() =>
        [("contract_name", request.Contract.Name), ("target_table", request.Contract.TargetTable)];
}
