using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.RunEtl.Internal;

// The Distributed Map ResultWriter's output, as AWS documents it ("ResultWriter (Map)", exporting to Amazon S3):
// <prefix>/<map run id>/manifest.json names the result files per status, and each result file is a JSON array with
// one entry per child execution (ResultWriter without WriterConfig: Transformation NONE, OutputType JSON). Only the
// fields the backfill summary reads are declared; the rest (Input, StartDate, RedriveCount, ...) are skipped.

/// <summary>manifest.json: the bucket and the result files per child status.</summary>
internal sealed class MapRunManifest
{
    [JsonPropertyName("DestinationBucket")] public string? DestinationBucket { get; set; }

    [JsonPropertyName("MapRunArn")] public string? MapRunArn { get; set; }

    [JsonPropertyName("ResultFiles")] public Dictionary<string, List<MapRunResultFile>>? ResultFiles { get; set; }
}

/// <summary>One result file of the manifest: its full object key and size.</summary>
internal sealed class MapRunResultFile
{
    [JsonPropertyName("Key")] public string? Key { get; set; }

    [JsonPropertyName("Size")] public long? Size { get; set; }
}

/// <summary>
/// One child execution in a SUCCEEDED_n.json / FAILED_n.json / PENDING_n.json file. <see cref="Output"/> is the child's
/// output as a JSON string (succeeded children only); a failed one carries <see cref="Error"/> (and a Cause, not read).
/// </summary>
internal sealed class MapRunResultEntry
{
    [JsonPropertyName("Status")] public string? Status { get; set; }

    [JsonPropertyName("Output")] public string? Output { get; set; }

    [JsonPropertyName("Error")] public string? Error { get; set; }
}

/// <summary>
/// A succeeded child's output (statemachine/batch.asl.json's ItemProcessor): the item with <c>etl.summary</c> (RunEtl's
/// summary) after a load, or <c>{"key","status":"skipped"}</c> from SkipFolder.
/// </summary>
internal sealed class BackfillChildOutput
{
    [JsonPropertyName("status")] public string? Status { get; set; }

    [JsonPropertyName("etl")] public BackfillChildEtl? Etl { get; set; }
}

/// <summary>The RunEtl task's result in a child's output.</summary>
internal sealed class BackfillChildEtl
{
    [JsonPropertyName("summary")] public BackfillChildSummary? Summary { get; set; }
}

/// <summary>The two fields of RunEtl's summary the backfill summary adds up.</summary>
internal sealed class BackfillChildSummary
{
    [JsonPropertyName("status")] public string? Status { get; set; }

    [JsonPropertyName("rows_loaded")] public long? RowsLoaded { get; set; }
}
