using System.Text.Json;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary><c>txetl report</c> and <c>txetl rejects</c> after real loads.</summary>
public sealed class ReportAndRejectsCommandTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-report-test-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Report_lists_the_ledger_and_rejects_exports_the_raw_records_as_csv()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        var lines = new[]
        {
            "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax",
            "REP-1,2025-01-01,ACC-1,\"Shop, \"\"The\"\" Best\",books,1.00,EUR,FR,,",
            "REP-2,2025-01-01,ACC-1,Shop,books,1.001,EUR,FR,,",
            "REP-3,2025-02-30,ACC-1,Shop ,books,1.00,EUR,FR,,",
            "REP-1,2025-01-03,ACC-2,Shop,books,2.00,EUR,FR,,",
        };
        File.WriteAllText(Path.Combine(work, "rep.csv"), string.Join("\n", lines) + "\n");
        var run = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--max-rejected-ratio", "1", "--json", "rep.csv");
        var fileId = RunTestSupport.Summaries(run.Stdout)[0].FileId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var report = await RunTestSupport.RunAsync(work, "report", "--database-url", db.ConnectionString, "--json");
        var csv = await RunTestSupport.RunAsync(work, "rejects", fileId, "--database-url", db.ConnectionString, "--csv");
        var table = await RunTestSupport.RunAsync(work, "rejects", fileId, "--database-url", db.ConnectionString);

        Assert.Equal(0, report.ExitCode);
        using var json = JsonDocument.Parse(report.Stdout);
        var entry = json.RootElement.EnumerateArray().Single(e => e.GetProperty("file_id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) == fileId);
        Assert.Equal("loaded_with_rejects", entry.GetProperty("status").GetString());
        Assert.Equal(1, entry.GetProperty("rows_loaded").GetInt64());
        Assert.Equal(3, entry.GetProperty("rows_rejected").GetInt64());
        Assert.Equal(0, csv.ExitCode);
        Assert.Equal(string.Join("\n", lines[0], lines[2], lines[3], lines[4]) + "\n", csv.Stdout);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("primary-key", table.Stdout);
        Assert.Contains("repeats line 2", table.Stdout);
        var plain = await RunTestSupport.RunAsync(work, "report", "--database-url", db.ConnectionString);
        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("rep.csv", plain.Stdout);
        Assert.Contains("loaded_with_rejects", plain.Stdout);
    }

    [Fact]
    public async Task Rejects_filters_by_code_and_limit_marks_rows_outstanding_and_refuses_another_contract()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        File.WriteAllText(Path.Combine(work, "opt.csv"), string.Join("\n",
            "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax",
            "OPT-1,2025-01-01,ACC-1,Shop,books,1.00,EUR,FR,,",
            "OPT-2,2025-02-30,ACC-1,Shop,books,1.00,EUR,FR,,",
            "OPT-3,2025-01-01,ACC-1,Shop,bookz,1.00,EUR,FR,,",
            "OPT-4,2025-02-31,ACC-1,Shop,books,1.00,EUR,FR,,") + "\n");
        var run = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--max-rejected-ratio", "1", "--json", "opt.csv");
        var fileId = RunTestSupport.Summaries(run.Stdout)[0].FileId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] rejects = ["rejects", fileId, "--database-url", db.ConnectionString];

        var all = Rows(await RunTestSupport.RunAsync(work, [.. rejects, "--json"]));
        var dateCode = all[0].GetProperty("errors")[0].GetProperty("code").GetString()!;
        var byCode = Rows(await RunTestSupport.RunAsync(work, [.. rejects, "--json", "--code", dateCode]));
        var limited = Rows(await RunTestSupport.RunAsync(work, [.. rejects, "--json", "--limit", "1"]));
        var table = await RunTestSupport.RunAsync(work, [.. rejects, "--limit", "2"]);
        var otherContract = await RunTestSupport.RunAsync(work,
            [.. rejects, "--csv", "--contract", Path.Combine(AppContext.BaseDirectory, "Data", "semicolon-1252.contract.json")]);

        Assert.Equal(["OPT-2", "OPT-3", "OPT-4"], all.Select(r => r.GetProperty("key").GetString()));
        Assert.All(all, r => Assert.True(r.GetProperty("outstanding").GetBoolean()));
        Assert.Equal(["OPT-2", "OPT-4"], byCode.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["OPT-2"], limited.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("2 rejected row(s) listed, 2 outstanding", table.Stdout);
        Assert.NotEqual(0, otherContract.ExitCode);
        Assert.Contains("was loaded with contract transactions", otherContract.Stderr);
        Assert.Equal("", otherContract.Stdout);
    }

    [Fact]
    public async Task Rejects_marks_outstanding_rows_across_pages_of_the_key_lookup()
    {
        // 1,005 rejected rows: more than one page (1,000) of key lookups, so the last page must be marked too.
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        const string header = "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax";
        string Row(int i, string category) => $"PG-{i},2025-01-01,ACC-1,Shop,{category},1.00,EUR,FR,,";
        File.WriteAllLines(Path.Combine(work, "bad.csv"), [header, .. Enumerable.Range(1, 1005).Select(i => Row(i, "bookz"))]);
        File.WriteAllLines(Path.Combine(work, "fixed.csv"), [header, .. Enumerable.Range(1, 1001).Select(i => Row(i, "books"))]);
        var run = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--max-rejected-ratio", "1", "--json", "bad.csv");
        var fileId = RunTestSupport.Summaries(run.Stdout)[0].FileId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] rejects = ["rejects", fileId, "--database-url", db.ConnectionString, "--json"];

        var before = Rows(await RunTestSupport.RunAsync(work, [.. rejects, "--outstanding"]));
        var limited = Rows(await RunTestSupport.RunAsync(work, [.. rejects, "--limit", "1003"]));
        Assert.Equal(0, (await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "fixed.csv")).ExitCode);
        var after = Rows(await RunTestSupport.RunAsync(work, [.. rejects, "--outstanding"]));
        var all = Rows(await RunTestSupport.RunAsync(work, rejects));

        Assert.Equal(1005, before.Count);
        Assert.Equal(1003, limited.Count);
        Assert.Equal(["PG-1002", "PG-1003", "PG-1004", "PG-1005"], after.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(1001, all.Count(r => r.GetProperty("loaded_by").ValueKind == JsonValueKind.Number));
    }

    private static List<JsonElement> Rows(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("rows").EnumerateArray().ToList();
    }

    [Fact]
    public async Task Rejects_of_an_unknown_file_id_exits_1_with_a_hint()
    {
        var result = await RunTestSupport.RunAsync(Directory.CreateDirectory(_dir.Path).FullName, "rejects", "987654", "--database-url", db.ConnectionString);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("txetl report", result.Stderr);
    }
}
