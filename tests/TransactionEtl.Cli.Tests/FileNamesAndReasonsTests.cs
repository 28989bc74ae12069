using System.Text.Json;
using System.Text.RegularExpressions;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 15 item 10: <c>.CSV</c> in any case is a CSV file for <c>run DIR</c> and <c>watch</c>; a file rejected as a
/// whole says why, in <c>watch</c>'s line (with a UTC time) and in <c>rejects</c>.
/// </summary>
public sealed partial class FileNamesAndReasonsTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private const string Header = "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax";

    private readonly ScratchDirectory _dir = new("txetl-names-test-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_of_a_directory_loads_csv_files_whatever_the_case_of_their_extension()
    {
        var work = Directory.CreateDirectory(Path.Combine(_dir.Path, "work")).FullName;
        var inbox = Directory.CreateDirectory(Path.Combine(work, "in")).FullName;
        foreach (var (name, id) in new[] { ("a.csv", "CASE-1"), ("B.CSV", "CASE-2"), ("c.Csv", "CASE-3") })
        {
            File.WriteAllText(Path.Combine(inbox, name), $"{Header}\n{id},2025-01-01,ACC-1,Shop,books,1.00,EUR,FR,,\n");
        }
        File.WriteAllText(Path.Combine(inbox, "notes.txt"), "not a csv file\n");

        var run = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--json", "in");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["in/B.CSV", "in/a.csv", "in/c.Csv"], RunTestSupport.Summaries(run.Stdout).Select(s => s.File.Replace('\\', '/')));
    }

    [Fact]
    public async Task Watch_loads_an_upper_case_CSV_and_prints_why_and_when_it_rejected_a_file()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(_dir.Path, "inbox")).FullName;
        File.WriteAllText(Path.Combine(inbox, "UPPER.CSV"), $"{Header}\nWCASE-1,2025-01-01,ACC-1,Shop,books,1.00,EUR,FR,,\n");
        File.WriteAllText(Path.Combine(inbox, "no-currency.csv"),
            "transaction_id,timestamp,account_id,merchant,category,amount,country,region,price_includes_tax\nWCASE-2,2025-01-01,ACC-1,Shop,books,1.00,FR,,\n");

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var before = DateTimeOffset.UtcNow;
        var watch = RunTestSupport.RunCancellableAsync(_dir.Path, stop.Token,
            "watch", "inbox", "--poll-ms", "100", "--settle", "0", "--database-url", db.ConnectionString);
        for (var i = 0; i < 1200 && !(Directory.Exists(Path.Combine(inbox, "processed")) && Directory.GetFiles(inbox).Length == 0); i++)
        {
            await Task.Delay(100);
        }
        await stop.CancelAsync();
        var result = await watch;

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(Directory.GetFiles(inbox));
        Assert.Single(Directory.GetFiles(Path.Combine(inbox, "processed"), "UPPER.summary.json"));
        Assert.True(File.Exists(Path.Combine(inbox, "processed", "UPPER.CSV")), "UPPER.CSV was renamed on its move");
        var line = RejectionLine().Match(result.Stdout);
        Assert.True(line.Success, "no rejection line with time and reason in:\n" + result.Stdout);
        var at = DateTimeOffset.Parse(line.Groups["at"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(at, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Contains("currency", line.Groups["reason"].Value);
    }

    [Fact]
    public async Task Rejects_of_a_file_rejected_as_a_whole_prints_the_file_level_reason()
    {
        var work = Directory.CreateDirectory(Path.Combine(_dir.Path, "whole")).FullName;
        File.WriteAllText(Path.Combine(work, "dup-label.csv"),
            $"{Header},description\nWHOLE-1,2025-01-01,ACC-1,Shop,books,1.00,EUR,FR,,,Shop\n");
        var run = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--json", "dup-label.csv");
        using var summary = JsonDocument.Parse(run.Stdout);
        var id = summary.RootElement[0].GetProperty("file_id");
        var fileId = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();

        var table = await RunTestSupport.RunAsync(work, "rejects", fileId, "--database-url", db.ConnectionString);
        var json = await RunTestSupport.RunAsync(work, "rejects", fileId, "--database-url", db.ConnectionString, "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"^file \d+ \(.*dup-label\.csv\): rejected: .*description", table.Stdout);
        Assert.DoesNotContain("0 rejected row(s)", table.Stdout);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Contains("description", document.RootElement.GetProperty("error").GetString());
    }

    [GeneratedRegex(@"^no-currency\.csv: rejected at (?<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ): (?<reason>.+)$", RegexOptions.Multiline)]
    private static partial Regex RejectionLine();
}
