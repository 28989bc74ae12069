using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.RunEtl.Internal;
using TransactionEtl.Aws.S3;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Core;
using TransactionEtl.Postgres;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Aws.RunEtl;

/// <summary>
/// run-etl: streams one S3 object version into the loader (the same <see cref="FileLoader"/> as
/// <c>txetl run</c>), writes its reports under <c>reports/</c> and returns the spec's summary plus
/// <c>"reports":{"rejects_csv","summary_json"}</c>. A rejected file is a normal result (status
/// <c>rejected</c>) for the state machine to route; failures are exceptions whose
/// <see cref="TransactionEtlException.IsTransient"/> decides between <c>TransactionEtl.TransientError</c>
/// (retried) and a non-retried type. Migrations are the migrate function's (<see cref="LambdaFunctions.Migrate"/>):
/// run-etl's role has no access to the master secret.
/// </summary>
internal sealed partial class RunEtlHandler : IAsyncDisposable
{
    private readonly RunEtlOptions _options;
    private readonly CachedSecret<RdsSecret> _databaseSecret;
    private readonly S3ObjectSource _objects;
    private readonly S3ContractStore _contracts;
    private readonly S3ReportWriter _reports;
    private readonly EmbeddedMetricsWriter _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly DatabaseConnections _connections;
    private readonly BackfillSummaryMode _backfillSummary;

    internal RunEtlHandler(
        RunEtlOptions options, SecretReader secrets, S3ObjectSource objects, S3ContractStore contracts, S3ReportWriter reports,
        EmbeddedMetricsWriter metrics, TimeProvider clock, ILogger logger)
    {
        _options = options;
        _objects = objects;
        _contracts = contracts;
        _reports = reports;
        _metrics = metrics;
        _clock = clock;
        _logger = logger;
        _databaseSecret = new CachedSecret<RdsSecret>(secrets, options.DbSecretId, RdsSecret.Parse, logger);
        _connections = new DatabaseConnections(options);
        _backfillSummary = new BackfillSummaryMode(objects, logger);
    }

    /// <summary>Handles one event (the runtime's <see cref="LambdaHandler"/> shape).</summary>
    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> input, LambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = Parse(input);
        if (request.Mode == BackfillSummaryMode.Name)
        {
            return await _backfillSummary.HandleAsync(request.Bucket!, request.Key!, cancellationToken);
        }
        // Stop early enough to roll back and record 'failed' before Lambda kills the process.
        var budget = context.GetRemainingTime(_clock) - _options.TimeoutMargin;
        using var deadline = new CancellationTokenSource(budget > TimeSpan.Zero ? budget : TimeSpan.Zero, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var pointer = new S3ObjectPointer(request.Bucket!, request.Key!, NullIfEmpty(request.VersionId), NullIfEmpty(request.ETag));
        using var scope = _logger.BeginScope(new LogContext { ExecutionName = request.ExecutionName, Bucket = pointer.Bucket, Key = pointer.Key });
        try
        {
            return ChunkedModes.Is(request.Mode)
                ? await RunChunkedModeAsync(request, pointer, linked.Token)
                : await LoadAsync(pointer, request.Size, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _logger.LoadStoppedBeforeDeadline(pointer.Uri, (long)_options.TimeoutMargin.TotalMilliseconds);
            throw new RunEtlTimeoutException(
                $"{pointer.Uri}: stopped {_options.TimeoutMargin.TotalSeconds:0} s before the Lambda timeout; the load was rolled back and " +
                "the file is recorded as failed. Raise the function's timeout (up to 15 minutes) or split the file.");
        }
        catch (TransactionEtlException ex)
        {
            _logger.LoadFailed(pointer.Uri, ex.IsTransient, ex.Message);
            throw;
        }
    }

    private async Task<byte[]> LoadAsync(S3ObjectPointer pointer, long? size, CancellationToken cancellationToken)
    {
        _logger.LoadStarted(pointer.Uri, size);
        var location = ReportLocation.For(pointer);
        if (!_options.Contracts.TryMatch(pointer.Key, out _, out var reference))
        {
            return await RejectWithoutContractAsync(pointer, location, cancellationToken);
        }
        // Before the database: a contract that cannot be read fails the file without taking a connection.
        var chosen = reference == ContractMap.BuiltIn ? ChosenContract.BuiltIn : await _contracts.GetAsync(pointer.Bucket, reference, cancellationToken);
        long bytes = 0;
        var (summary, dataSource) = await DatabaseCredentialRefresh.RunAsync(_databaseSecret, async (secret, ct) =>
        {
            var dataSource = await _connections.GetAsync(secret, ct);
            // A fresh stream per attempt: a 28P01 retry must not continue a half-read body.
            await using var content = await _objects.OpenAsync(pointer, ct);
            bytes = content.ContentLength;
            var loader = new FileLoader(dataSource, _logger);
            var loaded = await loader.LoadAsync(new LoadRequest
            {
                Source = SourceIdentity.ForS3Object(pointer.Bucket, pointer.Key, pointer.VersionId, pointer.ETag),
                Content = content,
                Contract = chosen.Contract,
                // A second GET of the same object lets the loader COPY straight into the table and fall back to
                // staging only when it meets a duplicate id; it checks the second read has the same SHA-256.
                OpenContentAgain = async again => await _objects.OpenAsync(pointer, again),
                SizeBytes = content.ContentLength,
                MaxDecompressedBytes = _options.MaxDecompressedBytes,
                MaxDecompressionRatio = _options.MaxDecompressionRatio,
            }, ct);
            return (loaded, dataSource);
        }, _logger, cancellationToken);

        return await FinishAsync(dataSource, summary, chosen, pointer, location, bytes, cancellationToken);
    }

    /// <summary>The reports, the response, the log line and the metrics of a decided file (single-stream or chunked commit).</summary>
    private async Task<byte[]> FinishAsync(
        NpgsqlDataSource dataSource, FileSummary summary, ChosenContract chosen, S3ObjectPointer pointer, ReportLocation location, long bytes,
        CancellationToken cancellationToken)
    {
        var rejectsUri = await WriteRejectsAsync(dataSource, summary, location, cancellationToken);
        var response = Serialize(summary, chosen, pointer.Bucket, rejectsUri, location.SummaryUri);
        await _reports.WriteSummaryAsync(location, response, cancellationToken);

        _logger.LoadFinished(pointer.Uri, summary.Status, summary.RowsLoaded, summary.RowsTotal, summary.RowsRejected,
            summary.RowsDuplicate, summary.RowsConflicting, summary.RowsUpdated, summary.FileId, summary.DurationMs);
        _metrics.Write(new FileMetrics(summary.RowsTotal, summary.RowsLoaded, summary.RowsRejected, summary.RowsDuplicate,
            summary.RowsConflicting, summary.RowsUpdated, bytes, summary.DurationMs, summary.Status, summary.FileId));
        return response;
    }

    /// <summary>
    /// A key under no mapped prefix: no contract is meant for it, so it is rejected unread (status <c>rejected</c>, reason
    /// <c>no-contract</c>), which the state machine alerts like any rejected file. Nothing is recorded in the ledger: a
    /// mapping added later loads the same object when it is sent again.
    /// </summary>
    private async Task<byte[]> RejectWithoutContractAsync(S3ObjectPointer pointer, ReportLocation location, CancellationToken cancellationToken)
    {
        var prefixes = string.Join(", ", _options.Contracts.Entries.Select(e => e.Key));
        _logger.FileWithoutContract(pointer.Uri, prefixes);
        var summary = new FileSummary
        {
            File = pointer.Uri,
            Status = FileStatus.Rejected,
            RejectReasons = new SortedDictionary<string, long>(StringComparer.Ordinal) { [FileErrorCodes.NoContract] = 1 },
            Error = $"{pointer.Uri}: no contract is mapped to this key (mapped prefixes: {prefixes}); the file was not read. " +
                $"Upload it under a mapped prefix, or map its prefix to a contract (Terraform variable contracts, {EnvironmentVariables.Contracts}).",
        };
        var rejectsUri = await WriteRejectsAsync(null, summary, location, cancellationToken);
        var response = Serialize(summary, null, pointer.Bucket, rejectsUri, location.SummaryUri);
        await _reports.WriteSummaryAsync(location, response, cancellationToken);
        _metrics.Write(new FileMetrics(0, 0, 0, 0, 0, 0, 0, 0, summary.Status, null));
        return response;
    }

    /// <summary>
    /// Streams the file's stored rejected rows (with <c>duplicate-existing</c> ones) into rejects.csv. For
    /// <c>already_loaded</c> the file id is the original's, so the report shows the rows that load rejected.
    /// </summary>
    private async Task<string> WriteRejectsAsync(NpgsqlDataSource? dataSource, FileSummary summary, ReportLocation location, CancellationToken cancellationToken)
    {
        await using var writer = await _reports.OpenRejectsAsync(location, cancellationToken);
        if (dataSource is not null && summary.FileId is { } fileId)
        {
            var ledger = new IngestionLedger(dataSource);
            try
            {
                await foreach (var row in ledger.RejectedRowsAsync(fileId, cancellationToken))
                {
                    await writer.WriteAsync(new RejectedRow(row.Line, row.RawRecord, row.Errors), cancellationToken);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                // The load is committed; only its report failed. A retry answers already_loaded and writes it again.
                throw new TransientException($"{location.RejectsUri}: reading the rejected rows back failed: {ex.Message}; the file is loaded, a retry writes the report.", ex);
            }
        }
        return await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// The spec's summary JSON followed by the contract that loaded the file (none when no contract was mapped) and the
    /// report links, compact (it is the Lambda response).
    /// </summary>
    private static byte[] Serialize(FileSummary summary, ChosenContract? contract, string bucket, string rejectsUri, string summaryUri)
    {
        using var element = JsonSerializer.SerializeToDocument(summary, FileSummaryJsonContext.Default.FileSummary);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            foreach (var property in element.RootElement.EnumerateObject())
            {
                // Ours names the object and version too; a summary's own contract (name, version, hash) would repeat it.
                if (contract is null || property.Name != "contract")
                {
                    property.WriteTo(json);
                }
            }
            if (contract is not null)
            {
                WriteContract(json, contract, bucket);
            }
            json.WriteStartObject("reports");
            json.WriteString("rejects_csv", rejectsUri);
            json.WriteString("summary_json", summaryUri);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteContract(Utf8JsonWriter json, ChosenContract chosen, string bucket)
    {
        json.WriteStartObject("contract");
        json.WriteString("name", chosen.Contract.Name);
        json.WriteString("version", chosen.Contract.Version);
        json.WriteString("sha256", chosen.Contract.Sha256);
        json.WriteString("source", chosen.ETag is null ? chosen.Reference : $"s3://{bucket}/{chosen.Reference}");
        if (chosen.VersionId is not null)
        {
            json.WriteString("version_id", chosen.VersionId);
        }
        if (chosen.ETag is not null)
        {
            json.WriteString("etag", chosen.ETag.Trim('"'));
        }
        json.WriteEndObject();
    }

    private static RunEtlRequest Parse(ReadOnlyMemory<byte> input)
    {
        RunEtlRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(input.Span, RunEtlJsonContext.Default.RunEtlRequest);
        }
        catch (JsonException ex)
        {
            throw new InvalidRunEtlRequestException(
                $"The run-etl event is not JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine}); expected " +
                "{\"bucket\",\"key\",\"versionId\",\"eTag\",\"size\"} as the state machine sends.", ex);
        }
        if (request is null)
        {
            throw new InvalidRunEtlRequestException("The run-etl event is null; expected {\"bucket\",\"key\",...}.");
        }
        if (request.Mode == RunEtlRequest.MigrateMode)
        {
            throw new InvalidRunEtlRequestException(
                $"run-etl no longer migrates: invoke the {LambdaFunctions.Migrate} function (handler '{LambdaFunctions.Migrate}', " +
                $"named <prefix>-{LambdaFunctions.Migrate}; `txetl lambda invoke {LambdaFunctions.Migrate}` locally), whose role alone may read the master secret.");
        }
        if (ChunkedModes.Is(request.Mode))
        {
            ChunkedModes.Validate(request);
        }
        else if (request.Mode is not (null or "load" or BackfillSummaryMode.Name))
        {
            throw new InvalidRunEtlRequestException(
                $"Unknown mode '{request.Mode}'; expected none (load the object), {BackfillSummaryMode.Name}, or one of the chunked path's: {ChunkedModes.Names}.");
        }
        if (string.IsNullOrWhiteSpace(request.Bucket) || string.IsNullOrWhiteSpace(request.Key))
        {
            throw new InvalidRunEtlRequestException(
                "The run-etl event lacks " + (string.IsNullOrWhiteSpace(request.Bucket) ? "bucket" : "key") +
                "; the state machine passes bucket, key, versionId and eTag from the execution input that StartWorkflow wrote.");
        }
        return request;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _connections.DisposeAsync();
        _databaseSecret.Dispose();
    }
}
