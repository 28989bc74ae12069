using System.Text.Json;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 17 item 3 through real argv: samples/corrections applied with <c>txetl run --contract</c> (updates with their
/// history, then already_loaded, then an identical re-send that updates nothing), <c>report</c> showing the counts, and
/// the default contract turning changed rows into key-conflict rejects that <c>rejects</c> lists with the differing columns.
/// </summary>
public sealed class CorrectionsCommandTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-corrections-");

    public void Dispose() => _dir.Dispose();

    private static string Corrections => Path.Combine(RunTestSupport.SamplesDirectory, "corrections", "transactions-corrections.csv");

    private static string ContractFile => Path.Combine(RunTestSupport.SamplesDirectory, "corrections", "transactions-corrections.contract.json");

    private Task<CliResult> TxetlAsync(string work, params string[] args) =>
        RunTestSupport.RunAsync(work, [args[0], "--database-url", db.ConnectionString, .. args[1..]]);

    [Fact]
    public async Task The_corrections_sample_updates_ten_rows_once_and_report_shows_updated_and_conflicting()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        Assert.Equal(0, (await TxetlAsync(work, "run", "--json", Path.Combine(RunTestSupport.SamplesDirectory, "transactions.csv"))).ExitCode);
        var lines = File.ReadAllLines(Corrections);
        var resend = Path.Combine(work, "resend.csv");
        File.WriteAllText(resend, string.Join("\n", lines.Take(1).Concat(lines.Skip(1).Reverse())) + "\n");

        var first = await TxetlAsync(work, "run", "--contract", ContractFile, Corrections);
        var again = await TxetlAsync(work, "run", "--json", "--contract", ContractFile, Corrections);
        var third = await TxetlAsync(work, "run", "--json", "--contract", ContractFile, resend);
        var report = await TxetlAsync(work, "report", "--json");
        var plain = await TxetlAsync(work, "report");

        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("updated", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("conflicting", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(FileStatus.AlreadyLoaded, Assert.Single(RunTestSupport.Summaries(again.Stdout)).Status);
        var identical = Assert.Single(RunTestSupport.Summaries(third.Stdout));
        Assert.Equal((FileStatus.Loaded, 0L, 0L, 10L), (identical.Status, identical.RowsUpdated, identical.RowsConflicting, identical.RowsDuplicate));
        using var ledger = JsonDocument.Parse(report.Stdout);
        var applied = ledger.RootElement.EnumerateArray().Single(e => e.GetProperty("source").GetString()!.EndsWith("transactions-corrections.csv", StringComparison.Ordinal)
                                                                      && e.GetProperty("status").GetString() == FileStatus.Loaded);
        Assert.Equal((10, 10, 10), (applied.GetProperty("rows_updated").GetInt64(), applied.GetProperty("rows_conflicting").GetInt64(), applied.GetProperty("rows_loaded").GetInt64()));
        Assert.Contains("updated", plain.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_onExistingKey_ten_changed_ids_are_key_conflicts_that_rejects_lists_with_the_differing_columns()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        static string Row(int i, string amount) => $"CKC-{i:D3},2025-02-01T08:00:00Z,ACC-{i},Shop,books,{amount},EUR,FR,,";
        const string Header = "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax";
        var stored = Path.Combine(work, "stored.csv");
        File.WriteAllText(stored, Header + "\n" + string.Join("\n", Enumerable.Range(1, 10).Select(i => Row(i, "10.00"))) + "\n");
        var changed = Path.Combine(work, "changed.csv");
        File.WriteAllText(changed, Header + "\n" + string.Join("\n", Enumerable.Range(1, 10).Select(i => Row(i, "12.50"))
            .Concat(Enumerable.Range(100, 190).Select(i => Row(i, "1.00")))) + "\n");
        Assert.Equal(0, (await TxetlAsync(work, "run", "--json", stored)).ExitCode);

        var run = await TxetlAsync(work, "run", "--json", changed);
        var summary = Assert.Single(RunTestSupport.Summaries(run.Stdout));
        var rejects = await TxetlAsync(work, "rejects", summary.FileId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "--code", FileErrorCodes.KeyConflict, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal((FileStatus.LoadedWithRejects, 190L, 10L, 10L), (summary.Status, summary.RowsLoaded, summary.RowsRejected, summary.RowsConflicting));
        Assert.Equal(10L, summary.RejectReasons[FileErrorCodes.KeyConflict]);
        Assert.True(rejects.ExitCode == 0, rejects.Stdout + rejects.Stderr);
        using var json = JsonDocument.Parse(rejects.Stdout);
        Assert.Equal(10, Strings(json.RootElement).Count(m => m.Contains("gross_amount: 10.0000 -> 12.5000", StringComparison.Ordinal)));
    }

    /// <summary>Every string value in <paramref name="element"/>, however deep (the messages, unescaped).</summary>
    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };
}
