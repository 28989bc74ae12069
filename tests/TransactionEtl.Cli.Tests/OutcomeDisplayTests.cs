using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 15 items 4 and 10: what <c>run</c>, <c>watch</c> and <c>report</c> show of a file's outcome. Every count, warnings
/// where people look, one number format, file ids as JSON numbers, borders the terminal can draw. JSON is read with
/// JsonDocument, not FileSummary, so that it is the printed shape that is checked.
/// </summary>
public sealed class OutcomeDisplayTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private const string Header = "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax";

    private static readonly Dictionary<string, string?> Utf8Locale = new() { ["LC_ALL"] = null, ["LC_CTYPE"] = null, ["LANG"] = "C.UTF-8" };
    private static readonly Dictionary<string, string?> CLocale = new() { ["LC_ALL"] = null, ["LC_CTYPE"] = null, ["LANG"] = "C" };

    private readonly ScratchDirectory _dir = new("txetl-outcome-test-");

    public void Dispose() => _dir.Dispose();

    private string Work => Directory.CreateDirectory(_dir.Path).FullName;

    // Before: the table had no blank-lines or warnings column, and "unknown column 'notes' is ignored" was printed nowhere.
    [Fact]
    public async Task Run_table_shows_blank_lines_and_warnings_and_prints_each_warning_on_stderr()
    {
        File.WriteAllText(Path.Combine(Work, "notes.csv"), string.Join("\n",
            Header + ",notes",
            "OUTW-1,2025-01-01,ACC-1,Shop,books,1.00,EUR,FR,,,first",
            "",
            "OUTW-2,2025-01-01,ACC-1,Shop,bookz,1.00,EUR,FR,,,second") + "\n");

        var run = await CliTestHost.RunAsync(Utf8Locale, Work, "run", "notes.csv", "--max-rejected-ratio", "1", "--database-url", db.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        var header = Cells(run.Stdout.Split('\n').First(l => l.Contains("file id", StringComparison.Ordinal)));
        Assert.Equal(["file", "file id", "status", "rows", "loaded", "rejected", "duplicate", "blank lines", "warnings", "top errors", "duration", "rows/s"], header);
        var row = Cells(run.Stdout.Split('\n').First(l => l.Contains("notes.csv", StringComparison.Ordinal)));
        Assert.Equal(["2", "1", "1", "0", "1", "1"], row[3..9]);
        Assert.Equal("notes.csv: warning: unknown column 'notes' (column 11) is ignored\n", run.Stderr.ReplaceLineEndings("\n"));
    }

    // Before: file_id was the JSON string "1", null for a failed load, and report left an already_loaded row's counts null.
    [Fact]
    public async Task File_ids_are_json_numbers_and_an_already_loaded_submission_counts_zero_in_report()
    {
        File.WriteAllLines(Path.Combine(Work, "twice.csv"), RunTestSupport.SampleLines("OUTJ"));

        var first = await RunJsonAsync("twice.csv");
        var second = await RunJsonAsync("twice.csv");
        var report = await CliTestHost.RunAsync(Utf8Locale, Work, "report", "--json", "--database-url", db.ConnectionString);
        var text = await CliTestHost.RunAsync(Utf8Locale, Work, "report", "--database-url", db.ConnectionString);

        Assert.Equal(JsonValueKind.Number, first.GetProperty("file_id").ValueKind);
        Assert.Equal(first.GetProperty("file_id").GetInt64(), second.GetProperty("file_id").GetInt64());
        using var entries = JsonDocument.Parse(report.Stdout);
        Assert.All(entries.RootElement.EnumerateArray(), e => Assert.Equal(JsonValueKind.Number, e.GetProperty("file_id").ValueKind));
        var again = entries.RootElement.EnumerateArray().Single(e => e.GetProperty("status").GetString() == "already_loaded");
        Assert.Equal(JsonValueKind.Number, again.GetProperty("duplicate_of").ValueKind);
        foreach (var count in new[] { "rows_total", "rows_loaded", "rows_rejected", "rows_duplicate" })
        {
            Assert.Equal(0, again.GetProperty(count).GetInt64());
        }

        var row = Cells(text.Stdout.Split('\n').Single(l => l.Contains("already_loaded", StringComparison.Ordinal)));
        Assert.Equal(["0", "0", "0", "0"], row[3..7]);
    }

    // Before: a failed load's summary had "file_id": null although its ledger row says failed.
    [Fact]
    public async Task A_failed_load_names_its_ledger_row_as_file_id()
    {
        File.WriteAllLines(Path.Combine(Work, "locked.csv"), RunTestSupport.SampleLines("OUTF"));
        await using var holder = new NpgsqlConnection(db.ConnectionString);
        await holder.OpenAsync();
        await using (var transaction = await holder.BeginTransactionAsync())
        {
            // The load's COPY waits on this lock past its lock timeout, after its ledger row was written.
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE txetl.transactions IN ACCESS EXCLUSIVE MODE", holder, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            var run = await CliTestHost.RunAsync(Utf8Locale, Work, "run", "locked.csv", "--json", "--lock-timeout", "1", "--database-url", db.ConnectionString);

            Assert.Equal(1, run.ExitCode);
            using var json = JsonDocument.Parse(run.Stdout);
            var summary = Assert.Single(json.RootElement.EnumerateArray().ToList());
            Assert.Equal("failed", summary.GetProperty("status").GetString());
            await transaction.RollbackAsync();
            await using var find = new NpgsqlCommand("SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p AND status = 'failed'", holder);
            find.Parameters.AddWithValue("p", Path.Combine(Work, "locked.csv"));
            Assert.Equal((long)(await find.ExecuteScalarAsync())!, summary.GetProperty("file_id").GetInt64());
        }
    }

    // Before: watch printed "1200 loaded" where tables print "1,200", and report named the file where it was dropped.
    [Fact]
    public async Task Watch_groups_its_counts_and_report_shows_the_path_after_the_move()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(Work, "inbox")).FullName;
        File.WriteAllLines(Path.Combine(inbox, "big.csv"),
            [Header, .. Enumerable.Range(1, 1200).Select(i => string.Create(CultureInfo.InvariantCulture, $"OUTB-{i:D5},2023-10-24,ACC-1,Shop,groceries,10.00,EUR,DE,,"))]);
        var moved = Path.Combine(inbox, "processed", "big.csv");

        CliResult result;
        using (var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            var watch = RunTestSupport.RunCancellableAsync(Work, stop.Token, "watch", "inbox", "--poll-ms", "100", "--settle", "0", "--database-url", db.ConnectionString);
            await RunTestSupport.WaitForAsync(() => File.Exists(Path.ChangeExtension(moved, ".summary.json")), watch);
            await stop.CancelAsync();
            result = await watch;
        }

        var report = await CliTestHost.RunAsync(Utf8Locale, Work, "report", "--json", "--database-url", db.ConnectionString);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("big.csv: loaded (file ", result.Stdout);
        Assert.Contains("1,200 rows, 1,200 loaded, 0 rejected, 0 duplicate) -> processed/big.csv", result.Stdout);
        using var entries = JsonDocument.Parse(report.Stdout);
        var entry = entries.RootElement.EnumerateArray().Single(e => e.GetProperty("source").GetString()!.Contains("big.csv", StringComparison.Ordinal));
        Assert.Equal(new Uri(moved).AbsoluteUri, entry.GetProperty("source").GetString());
    }

    // Before: Spectre drew box-drawing borders under LANG=C, where a terminal shows them as mojibake.
    [Fact]
    public async Task Tables_have_ascii_borders_unless_the_locale_is_utf8()
    {
        File.WriteAllLines(Path.Combine(Work, "ascii.csv"), RunTestSupport.SampleLines("OUTA"));

        var run = await CliTestHost.RunAsync(CLocale, Work, "run", "ascii.csv", "--database-url", db.ConnectionString);
        var fileId = Regex.Match(run.Stdout, @"txetl rejects (\d+)").Groups[1].Value;
        var report = await CliTestHost.RunAsync(CLocale, Work, "report", "--database-url", db.ConnectionString);
        var rejects = await CliTestHost.RunAsync(CLocale, Work, "rejects", fileId, "--database-url", db.ConnectionString);
        var utf8 = await CliTestHost.RunAsync(Utf8Locale, Work, "report", "--database-url", db.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("| ascii.csv ", run.Stdout);
        Assert.DoesNotContain(run.Stdout, IsBoxDrawing);
        Assert.Contains("| file id ", report.Stdout);
        Assert.DoesNotContain(report.Stdout, IsBoxDrawing);
        Assert.Equal(0, rejects.ExitCode);
        Assert.Contains("| line ", rejects.Stdout);
        Assert.DoesNotContain(rejects.Stdout, IsBoxDrawing);
        Assert.Contains(utf8.Stdout, IsBoxDrawing);
    }

    // Before: "Fix the rejected rows or raise maxRejectedRatio." named the contract's property but not the command-line flag.
    [Fact]
    public async Task The_reject_threshold_message_names_the_option_that_overrides_it()
    {
        var run = await RunJsonAsync(Path.Combine(RunTestSupport.SamplesDirectory, "file-level", "too-many-rejects.csv"));

        Assert.Equal("rejected", run.GetProperty("status").GetString());
        var error = run.GetProperty("error").GetString()!;
        Assert.Contains("maxRejectedRatio 0.05", error);
        Assert.Contains("--max-rejected-ratio", error);
    }

    private async Task<JsonElement> RunJsonAsync(string file)
    {
        var run = await CliTestHost.RunAsync(Utf8Locale, Work, "run", file, "--json", "--database-url", db.ConnectionString);
        using var json = JsonDocument.Parse(run.Stdout);
        return Assert.Single(json.RootElement.EnumerateArray().ToList()).Clone();
    }

    /// <summary>The cells of one table row, whichever border (│ or |) it is drawn with.</summary>
    private static string[] Cells(string line) =>
        line.Split(['│', '|']).Select(c => c.Trim()).Where((_, i) => i > 0).SkipLast(1).ToArray();

    private static bool IsBoxDrawing(char c) => c is >= '\u2500' and <= '\u257F';
}
