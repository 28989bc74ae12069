using System.Text.Json;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>
/// A backfill's files counted by file status from its Map Run results, one child execution at a time (nothing is kept
/// per item, so memory does not grow with the number of files). The classification follows the backfill definition's
/// ItemProcessor: a succeeded child ended Loaded, LoadedWithRejects or SkipFolder; a failed one FileRejected or LoadFailed.
/// </summary>
internal sealed class FileStatusCounts
{
    /// <summary>The Error of the backfill ItemProcessor's FileRejected Fail state (statemachine/batch.asl.json).</summary>
    internal const string FileRejectedError = "TransactionEtl.FileRejected";

    public long Total { get; private set; }

    public long Loaded { get; private set; }

    public long LoadedWithRejects { get; private set; }

    public long AlreadyLoaded { get; private set; }

    public long Rejected { get; private set; }

    /// <summary>Failed loads: LoadFailed, any other error, and children that timed out or were aborted.</summary>
    public long Failed { get; private set; }

    /// <summary>Folder placeholders (keys ending in /) the ItemProcessor skipped.</summary>
    public long Skipped { get; private set; }

    /// <summary>Children without a known outcome: pending (the Map Run stopped first) or an output without a status.</summary>
    public long Other { get; private set; }

    /// <summary>Rows loaded by the loaded and loaded-with-rejects files.</summary>
    public long RowsLoaded { get; private set; }

    /// <summary>Counts one child execution of the results.</summary>
    public void Add(MapRunResultEntry entry)
    {
        Total++;
        switch (entry.Status)
        {
            case "SUCCEEDED":
                AddSucceeded(entry.Output);
                break;
            case "FAILED" when entry.Error == FileRejectedError:
                Rejected++;
                break;
            case "FAILED" or "TIMED_OUT" or "ABORTED":
                Failed++;
                break;
            default:
                Other++;
                break;
        }
    }

    private void AddSucceeded(string? output)
    {
        BackfillChildOutput? child = null;
        try
        {
            child = output is null ? null : JsonSerializer.Deserialize(output, RunEtlJsonContext.Default.BackfillChildOutput);
        }
        catch (JsonException)
        {
            // One child's unreadable output is counted as other, not a reason to lose the whole summary.
        }
        var summary = child?.Etl?.Summary;
        switch (summary?.Status ?? child?.Status)
        {
            case "loaded":
                Loaded++;
                RowsLoaded += summary?.RowsLoaded ?? 0;
                break;
            case "loaded_with_rejects":
                LoadedWithRejects++;
                RowsLoaded += summary?.RowsLoaded ?? 0;
                break;
            case "already_loaded":
                AlreadyLoaded++;
                break;
            case "skipped":
                Skipped++;
                break;
            default:
                Other++;
                break;
        }
    }

    /// <summary>The counts as the backfill-summary response (field names as the definition's ResultSelector reads them).</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteNumber("total", Total);
        json.WriteNumber("loaded", Loaded);
        json.WriteNumber("loaded_with_rejects", LoadedWithRejects);
        json.WriteNumber("already_loaded", AlreadyLoaded);
        json.WriteNumber("rejected", Rejected);
        json.WriteNumber("failed", Failed);
        json.WriteNumber("skipped", Skipped);
        json.WriteNumber("other", Other);
        json.WriteNumber("rows_loaded", RowsLoaded);
    }
}
