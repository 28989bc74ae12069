using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.NotifyChat.Internal;

// The two sets of counts in a backfill summary (statemachine/batch.asl.json, PublishSummary).

/// <summary><c>counts</c>: the Map Run's item counts (DescribeMapRun's ItemCounts).</summary>
internal sealed class MapRunItemCounts
{
    [JsonPropertyName("total")] public long? Total { get; set; }

    [JsonPropertyName("succeeded")] public long? Succeeded { get; set; }

    [JsonPropertyName("failed")] public long? Failed { get; set; }

    [JsonPropertyName("timed_out")] public long? TimedOut { get; set; }

    [JsonPropertyName("aborted")] public long? Aborted { get; set; }
}

/// <summary>
/// <c>files</c>: the files counted by file status (run-etl's backfill-summary mode), or, when counting failed, the
/// <c>Error</c> and <c>Cause</c> Step Functions caught instead.
/// </summary>
internal sealed class BackfillFileCounts
{
    [JsonPropertyName("total")] public long? Total { get; set; }

    [JsonPropertyName("loaded")] public long? Loaded { get; set; }

    [JsonPropertyName("loaded_with_rejects")] public long? LoadedWithRejects { get; set; }

    [JsonPropertyName("already_loaded")] public long? AlreadyLoaded { get; set; }

    [JsonPropertyName("rejected")] public long? Rejected { get; set; }

    [JsonPropertyName("failed")] public long? Failed { get; set; }

    [JsonPropertyName("skipped")] public long? Skipped { get; set; }

    [JsonPropertyName("other")] public long? Other { get; set; }

    [JsonPropertyName("rows_loaded")] public long? RowsLoaded { get; set; }

    [JsonPropertyName("Error")] public string? Error { get; set; }

    [JsonPropertyName("Cause")] public string? Cause { get; set; }
}
