using System.Text.Json;

namespace TransactionEtl.Core.Tests;

public class FileSummaryTests
{
    [Fact]
    public void Serializes_in_the_spec_shape_with_snake_case_names()
    {
        var summary = new FileSummary
        {
            File = "s3://bucket/a.csv",
            FileId = 42,
            Status = FileStatus.LoadedWithRejects,
            RowsTotal = 10,
            RowsLoaded = 7,
            RowsRejected = 1,
            RowsDuplicate = 2,
            BlankLines = 3,
            RejectReasons = new SortedDictionary<string, long> { ["type-error"] = 1 },
            Warnings = ["unknown column 'x' (column 3) is ignored"],
            Sha256 = new string('a', 64),
            DurationMs = 12,
        };
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(summary, FileSummaryJsonContext.Default.FileSummary));
        Assert.Equal(
            ["file", "file_id", "status", "rows_total", "rows_loaded", "rows_rejected", "rows_duplicate", "rows_conflicting", "rows_updated", "blank_lines", "reject_reasons", "warnings", "sha256", "duration_ms"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, json.RootElement.GetProperty("reject_reasons").GetProperty("type-error").GetInt64());
        Assert.Contains("'x'", JsonSerializer.Serialize(summary, FileSummaryJsonContext.Readable.FileSummary));
    }

    [Fact]
    public void Names_the_error_when_there_is_one_and_round_trips()
    {
        var summary = new FileSummary { File = "a.csv", Status = FileStatus.Rejected, Error = "the file is empty" };
        string text = JsonSerializer.Serialize(summary, FileSummaryJsonContext.Default.FileSummary);
        Assert.Contains("\"error\": \"the file is empty\"", text);
        var back = JsonSerializer.Deserialize(text, FileSummaryJsonContext.Default.FileSummary)!;
        Assert.Equal(summary.Error, back.Error);
        Assert.Equal(FileStatus.Rejected, back.Status);
    }

    [Fact]
    public async Task A_dry_run_over_the_threshold_is_rejected_with_nothing_loaded()
    {
        string text = Engine.Header + "\n" + Engine.Row(id: "A") + "\n" + Engine.Row(id: "B", currency: "EURO") + "\n";
        var (result, _) = await Engine.RunAsync(text);
        var summary = FileSummary.ForDryRun("f.csv", result);
        Assert.Equal(FileStatus.Rejected, summary.Status);
        Assert.Equal(0, summary.RowsLoaded);
        Assert.Equal(2, summary.RowsTotal);
        Assert.Equal(1, summary.RowsRejected);
        Assert.Equal(1, summary.RejectReasons["too-many-rejects"]);
        Assert.Contains("1 of 2 rows rejected (50.00 %), more than the allowed 5.00 %", summary.Error);
    }

    [Fact]
    public void The_loader_s_duplicates_count_as_rejects_and_can_tip_the_file_over_the_threshold()
    {
        var result = new FileResult { RowsTotal = 10, RowsValid = 10, MaxRejectedRatio = 0.2m, Sha256 = "ab" };

        var within = FileSummary.From("f.csv", result, inFileDuplicates: 2, duplicateExisting: 3);
        var over = FileSummary.From("f.csv", result, inFileDuplicates: 3, duplicateExisting: 1);

        Assert.Equal((FileStatus.LoadedWithRejects, 5L, 2L, 3L), (within.Status, within.RowsLoaded, within.RowsRejected, within.RowsDuplicate));
        Assert.Equal(2, within.RejectReasons[FileErrorCodes.PrimaryKey]);
        Assert.Null(within.Error);
        Assert.Equal((FileStatus.Rejected, 0L, 3L, 1L), (over.Status, over.RowsLoaded, over.RowsRejected, over.RowsDuplicate));
        Assert.Equal(1, over.RejectReasons[FileErrorCodes.TooManyRejects]);
        Assert.Equal(FileSummary.TooManyRejectsMessage(3, 10, 0.2m), over.Error);
    }

    [Fact]
    public void Key_conflicts_count_as_conflicting_and_as_rejects_loads_or_neither_by_what_became_of_them()
    {
        var result = new FileResult { RowsTotal = 20, RowsValid = 20, MaxRejectedRatio = 0.1m, Sha256 = "ab" };

        var rejected = FileSummary.From("f.csv", result, duplicateExisting: 1, conflicts: new KeyConflicts(2, 0, 0));
        var skipped = FileSummary.From("f.csv", result, duplicateExisting: 1, conflicts: new KeyConflicts(0, 2, 0));
        var updated = FileSummary.From("f.csv", result, duplicateExisting: 1, conflicts: new KeyConflicts(0, 0, 2));
        var tipped = FileSummary.From("f.csv", result, conflicts: new KeyConflicts(3, 0, 0));

        Assert.Equal((FileStatus.LoadedWithRejects, 17L, 2L, 2L, 0L), (rejected.Status, rejected.RowsLoaded, rejected.RowsRejected, rejected.RowsConflicting, rejected.RowsUpdated));
        Assert.Equal(2, rejected.RejectReasons[FileErrorCodes.KeyConflict]);
        Assert.Equal((FileStatus.Loaded, 17L, 0L, 2L, 0L), (skipped.Status, skipped.RowsLoaded, skipped.RowsRejected, skipped.RowsConflicting, skipped.RowsUpdated));
        Assert.Empty(skipped.RejectReasons);
        Assert.Equal((FileStatus.Loaded, 19L, 0L, 2L, 2L), (updated.Status, updated.RowsLoaded, updated.RowsRejected, updated.RowsConflicting, updated.RowsUpdated));
        Assert.Equal((FileStatus.Rejected, 0L, 3L, 3L), (tipped.Status, tipped.RowsLoaded, tipped.RowsRejected, tipped.RowsConflicting));
    }

    [Fact]
    public void A_dry_run_counts_the_engine_s_findings_only()
    {
        var result = new FileResult
        {
            RowsTotal = 4, RowsValid = 3, RowsRejected = 1, BlankLines = 1, MaxRejectedRatio = 0.5m, Sha256 = "cd",
            RejectReasons = new Dictionary<string, long> { ["type-error"] = 1 }, Duration = TimeSpan.FromMilliseconds(7),
        };

        var summary = FileSummary.ForDryRun("f.csv", result);

        Assert.Equal((FileStatus.LoadedWithRejects, 3L, 1L, 0L, 1L, 7L), (summary.Status, summary.RowsLoaded, summary.RowsRejected, summary.RowsDuplicate, summary.BlankLines, summary.DurationMs));
        Assert.Equal(new Dictionary<string, long> { ["type-error"] = 1 }, summary.RejectReasons);
        Assert.Null(summary.FileId);
    }
}
