using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.S3;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>
/// run-etl's <c>backfill-summary</c> mode: the backfill's files counted by file status from its Map Run results. The
/// event names the manifest.json the ResultWriter wrote (the Map state's <c>ResultWriterDetails</c>); this reads that
/// manifest and the result files it lists, which must lie beside it, and nothing else (the role may GET only under the
/// results prefix). Each result file is streamed entry by entry, so 100,000 files cost no more memory than 10.
/// </summary>
internal sealed class BackfillSummaryMode(S3ObjectSource objects, ILogger logger)
{
    /// <summary>The event's <c>mode</c>.</summary>
    public const string Name = "backfill-summary";

    private const string ManifestName = "manifest.json";

    /// <summary>Counts the results of the Map Run whose manifest is <c>s3://bucket/key</c>.</summary>
    /// <returns>The counts as UTF-8 JSON (see <see cref="FileStatusCounts.WriteTo"/>) plus <c>results_uri</c> and <c>result_files</c>.</returns>
    public async Task<byte[]> HandleAsync(string bucket, string manifestKey, CancellationToken cancellationToken)
    {
        var manifestUri = $"s3://{bucket}/{manifestKey}";
        if (!manifestKey.EndsWith("/" + ManifestName, StringComparison.Ordinal))
        {
            throw new MapRunResultsException(
                $"{manifestUri} is not a Map Run's {ManifestName}; pass the Map state's ResultWriterDetails (Bucket, Key) as bucket and key.");
        }
        var directory = manifestKey[..^ManifestName.Length];
        var manifest = await ReadManifestAsync(new S3ObjectPointer(bucket, manifestKey), cancellationToken);
        if (manifest.DestinationBucket is { } destination && destination != bucket)
        {
            throw new MapRunResultsException($"{manifestUri} names bucket {destination} for its results; expected {bucket}, where the manifest is.");
        }

        var counts = new FileStatusCounts();
        var files = 0;
        foreach (var (status, resultFiles) in manifest.ResultFiles ?? [])
        {
            foreach (var file in resultFiles)
            {
                if (file.Key is not { } key || !key.StartsWith(directory, StringComparison.Ordinal) || key.Contains("/../", StringComparison.Ordinal))
                {
                    throw new MapRunResultsException(
                        $"{manifestUri} lists {status} results at '{file.Key}', outside s3://{bucket}/{directory}; only the Map Run's own results are read.");
                }
                await CountFileAsync(new S3ObjectPointer(bucket, key), counts, cancellationToken);
                files++;
            }
        }
        logger.BackfillSummaryCounted(manifestUri, files, counts.Total, counts.Loaded, counts.LoadedWithRejects, counts.AlreadyLoaded,
            counts.Rejected, counts.Failed, counts.Skipped, counts.Other);
        return Response(counts, $"s3://{bucket}/{directory}", files);
    }

    private async Task<MapRunManifest> ReadManifestAsync(S3ObjectPointer manifest, CancellationToken cancellationToken)
    {
        await using var content = await objects.OpenAsync(manifest, cancellationToken);
        try
        {
            return await JsonSerializer.DeserializeAsync(content, RunEtlJsonContext.Default.MapRunManifest, cancellationToken)
                ?? throw new MapRunResultsException($"{manifest.Uri} is null; expected the ResultWriter's manifest.");
        }
        catch (JsonException ex)
        {
            throw new MapRunResultsException($"{manifest.Uri} is not the ResultWriter's manifest JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    private async Task CountFileAsync(S3ObjectPointer file, FileStatusCounts counts, CancellationToken cancellationToken)
    {
        await using var content = await objects.OpenAsync(file, cancellationToken);
        try
        {
            // The file is one JSON array; entries are deserialized as the bytes arrive and dropped once counted.
            await foreach (var entry in JsonSerializer.DeserializeAsyncEnumerable(content, RunEtlJsonContext.Default.MapRunResultEntry, cancellationToken))
            {
                if (entry is not null)
                {
                    counts.Add(entry);
                }
            }
        }
        catch (JsonException ex)
        {
            throw new MapRunResultsException(
                $"{file.Uri} is not a ResultWriter result file (a JSON array of child executions; line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    private static byte[] Response(FileStatusCounts counts, string resultsUri, int files)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            counts.WriteTo(json);
            json.WriteString("results_uri", resultsUri);
            json.WriteNumber("result_files", files);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
