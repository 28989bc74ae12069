using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using TransactionEtl.Aws.RunEtl.Internal;
using TransactionEtl.Aws.S3;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Core;
using TransactionEtl.Postgres;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Aws.RunEtl;

/// <summary>
/// run-etl's modes of the workflow's chunked path (issue 18 item 2; docs/operations.md, "Large files: the chunked path"):
/// <c>plan</c> splits the object with ranged GETs and begins the attempt, <c>chunk</c> loads one byte range into the
/// attempt's work table, <c>hash</c> hashes the whole object, <c>commit</c> decides the file in one transaction and
/// answers like a single-stream load. Each is one invocation on its own connection, so the steps can run in parallel
/// invocations; <see cref="ChunkedLoader"/> does the work, the same as <c>txetl run --parallel</c>.
/// </summary>
internal sealed partial class RunEtlHandler
{
    /// <summary>
    /// Most chunks one plan makes; a larger object gets longer chunks. Each chunk is an item of the inline Map (about 7
    /// history events, more with retries, of the 25,000 an execution may write) and a start in the ticket, which every
    /// state carries (256 KiB payload limit).
    /// </summary>
    internal const int MaxChunks = 500;

    private async Task<byte[]> RunChunkedModeAsync(RunEtlRequest request, S3ObjectPointer pointer, CancellationToken cancellationToken)
    {
        if (!_options.Contracts.TryMatch(pointer.Key, out _, out var reference))
        {
            // The single-stream load rejects and reports it (no-contract), as for any small file under no mapped prefix.
            return request.Mode == ChunkedModes.Plan
                ? ChunkedResponses.Single("no contract is mapped to this key")
                : throw new InvalidRunEtlRequestException($"{pointer.Uri}: no contract is mapped to this key, so it has no chunked load to continue.");
        }
        var chosen = reference == ContractMap.BuiltIn ? ChosenContract.BuiltIn : await _contracts.GetAsync(pointer.Bucket, reference, cancellationToken);
        if (request.Mode == ChunkedModes.Plan)
        {
            return await PlanAsync(pointer, chosen, request.Size!.Value, request.ChunkBytes!.Value, cancellationToken);
        }

        var ticket = ReadTicket(request);
        var load = ChunkedLoadRequest(pointer, chosen, ticket.Length);
        if (request.Mode == ChunkedModes.Commit)
        {
            var (summary, dataSource) = await WithLoaderAsync(async (loader, ct) =>
            {
                // Read only when a chunk found a file-level error: the commit then loads the file single-stream.
                await using var content = new LazyObjectStream(async open => await _objects.OpenAsync(pointer, open), ticket.Length);
                return await loader.CommitAsync(ticket, new LoadRequest
                {
                    Source = load.Source, Content = content, Contract = load.Contract, SizeBytes = load.SizeBytes,
                    MaxDecompressedBytes = load.MaxDecompressedBytes, MaxDecompressionRatio = load.MaxDecompressionRatio,
                }, ct);
            }, cancellationToken);
            return await FinishAsync(dataSource, summary, chosen, pointer, ReportLocation.For(pointer), ticket.Length, cancellationToken);
        }
        if (request.Mode == ChunkedModes.Hash)
        {
            var (sha256, _) = await WithLoaderAsync(async (loader, ct) =>
            {
                // A fresh stream per attempt: a 28P01 retry must not continue a half-read body.
                await using var content = await _objects.OpenAsync(pointer, ct);
                return await loader.HashAsync(ticket, load.Source, content, ct);
            }, cancellationToken);
            return ChunkedResponses.Hash(sha256, ticket.Length);
        }
        var (result, _) = await WithLoaderAsync(
            (loader, ct) => loader.LoadChunkAsync(ticket, load, request.ChunkIndex!.Value, RangeReader(pointer), null, ct), cancellationToken);
        _logger.ChunkLoaded(pointer.Uri, result.Chunk.Index, ticket.ChunkCount, result.Result.RowsTotal, result.Result.RowsRejected, ticket.FileId);
        return ChunkedResponses.Chunk(result);
    }

    private async Task<byte[]> PlanAsync(S3ObjectPointer pointer, ChosenContract chosen, long size, long chunkBytes, CancellationToken cancellationToken)
    {
        var reason = ChunkedLoader.CannotChunk(chosen.Contract) ?? await NotPlainTextAsync(pointer, cancellationToken);
        if (reason is not null)
        {
            _logger.LoadsSingleStream(pointer.Uri, size, reason);
            return ChunkedResponses.Single(reason);
        }
        long target = Math.Max(chunkBytes, (size + MaxChunks - 1) / MaxChunks);
        var options = new ProcessingOptions { Contract = chosen.Contract };
        var plan = await ChunkPlanner.PlanAsync(size, RangeReader(pointer), options, target, cancellationToken);
        if (plan.Chunks.Count < 2)
        {
            reason = plan.SingleChunkReason ?? "the planner found one chunk";
            _logger.LoadsSingleStream(pointer.Uri, size, reason);
            return ChunkedResponses.Single(reason);
        }

        // Asked only when the ledger holds a loaded file of the same source and size: without a version id (an unversioned
        // bucket) one sequential read then answers already_loaded here, instead of every chunk being loaded again for the
        // commit to find it.
        var load = ChunkedLoadRequest(pointer, chosen, size, async ct =>
        {
            await using var content = await _objects.OpenAsync(pointer, ct);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(content, ct));
        });
        var (start, dataSource) = await WithLoaderAsync((loader, ct) => loader.BeginAsync(load, plan, ct), cancellationToken);
        if (start.AlreadyLoaded is { } summary)
        {
            // Answered here: a second look by the single-stream load would record the already_loaded row twice.
            return ChunkedResponses.Done(await FinishAsync(dataSource, summary, chosen, pointer, ReportLocation.For(pointer), size, cancellationToken));
        }
        var ticket = start.Ticket!;
        _logger.ChunksPlanned(pointer.Uri, size, plan.Chunks.Count, target, plan.BytesScanned, ticket.FileId, ticket.Attempt);
        return ChunkedResponses.Chunked(ticket, plan);
    }

    /// <summary>Why the object must load single-stream although it is large (compressed, an archive, a workbook or Parquet), from its first bytes.</summary>
    private async Task<string?> NotPlainTextAsync(S3ObjectPointer pointer, CancellationToken cancellationToken)
    {
        var first = new byte[ChunkPlanner.SignatureBytes];
        int n;
        await using (var head = await _objects.OpenRangeAsync(pointer, 0, first.Length, cancellationToken))
        {
            n = await head.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false, cancellationToken);
        }
        return ChunkPlanner.WhyNotSplittable(first.AsSpan(0, n));
    }

    private ByteRangeReader RangeReader(S3ObjectPointer pointer) =>
        (offset, length, ct) => _objects.OpenRangeAsync(pointer, offset, length, ct);

    /// <summary>The file's request as every step gives it to <see cref="ChunkedLoader"/>; its content is read only through ranges and the hash.</summary>
    private LoadRequest ChunkedLoadRequest(
        S3ObjectPointer pointer, ChosenContract chosen, long size, Func<CancellationToken, Task<string>>? hashContent = null) => new()
    {
        Source = SourceIdentity.ForS3Object(pointer.Bucket, pointer.Key, pointer.VersionId, pointer.ETag),
        Content = Stream.Null,
        Contract = chosen.Contract,
        SizeBytes = size,
        HashContentAsync = hashContent,
        MaxDecompressedBytes = _options.MaxDecompressedBytes,
        MaxDecompressionRatio = _options.MaxDecompressionRatio,
    };

    /// <summary>Runs one step with a loader over the container's data source, re-reading the secret once on 28P01.</summary>
    private Task<(T Value, NpgsqlDataSource DataSource)> WithLoaderAsync<T>(
        Func<ChunkedLoader, CancellationToken, Task<T>> step, CancellationToken cancellationToken) =>
        DatabaseCredentialRefresh.RunAsync(_databaseSecret, async (secret, ct) =>
        {
            var dataSource = await _connections.GetAsync(secret, ct);
            return (await step(new ChunkedLoader(dataSource, _logger), ct), dataSource);
        }, _logger, cancellationToken);

    private static ChunkTicket ReadTicket(RunEtlRequest request)
    {
        try
        {
            return request.Ticket!.Value.Deserialize(ChunkTicketJsonContext.Default.ChunkTicket) is { ChunkCount: > 0 } ticket
                ? ticket
                : throw new InvalidRunEtlRequestException($"The ticket of the run-etl event of mode '{request.Mode}' has no chunks.");
        }
        catch (JsonException ex)
        {
            throw new InvalidRunEtlRequestException(
                $"The ticket of the run-etl event of mode '{request.Mode}' is not the one PlanChunks returns: {ex.Message}", ex);
        }
    }
}
