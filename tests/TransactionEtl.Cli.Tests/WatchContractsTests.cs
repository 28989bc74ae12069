using System.Text.Json;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 16 item 3, locally: <c>txetl watch DIR</c> with <c>DIR/contracts.json</c> picks each file's contract by the
/// longest name prefix, like RunEtl's TXETL_CONTRACTS, and rejects a file no prefix maps. The orders contract and its
/// rules are the RunEtl tests' copy of docs/contracts.md's example; its table is made by hand until contracts create
/// their own tables (issue 16 item 2).
/// </summary>
public sealed class WatchContractsTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private static readonly string ContractData = Path.Combine(RepositoryRoot.Path, "tests", "TransactionEtl.Aws.Tests", "Data", "Contracts");

    private readonly ScratchDirectory _dir = new("txetl-watch-contracts-");

    public void Dispose() => _dir.Dispose();

    private string Inbox(string mapping)
    {
        var inbox = Directory.CreateDirectory(Path.Combine(_dir.Path, "inbox")).FullName;
        Directory.CreateDirectory(Path.Combine(inbox, "contracts", "rules"));
        File.Copy(Path.Combine(ContractData, "orders.contract.json"), Path.Combine(inbox, "contracts", "orders.contract.json"));
        File.Copy(Path.Combine(ContractData, "rules", "at.csv"), Path.Combine(inbox, "contracts", "rules", "at.csv"));
        File.WriteAllText(Path.Combine(inbox, "contracts.json"), mapping);
        return inbox;
    }

    [Fact]
    public async Task Loads_each_file_with_the_contract_of_its_longest_name_prefix_and_rejects_an_unmapped_one()
    {
        await using (var connection = await db.Database.OpenConnectionAsync())
        {
            await using var create = new NpgsqlCommand(File.ReadAllText(Path.Combine(ContractData, "orders.sql")), connection);
            await create.ExecuteNonQueryAsync();
        }
        var inbox = Inbox("""{"orders-": "contracts/orders.contract.json", "orders-legacy-": "builtin:transactions.contract.json"}""");
        File.WriteAllText(Path.Combine(inbox, "orders-1.csv"),
            "Order Number;Order Date;customer;note;kind;price;currency;country;gross\n81;2024-03-01T10:00:00Z;C-000042;;books;11.00;EUR;AT;gross\n");
        File.WriteAllText(Path.Combine(inbox, "orders-legacy-1.csv"),
            $"{Core.Samples.SampleGenerator.Header}\nWCL-1,2026-11-26T10:00:00Z,ACC-1,Shop,books,10.00,EUR,DE,,false\nWCL-2,2026-11-26T10:00:00Z,ACC-1,Shop,books,12.00,EUR,DE,,false\n");
        File.WriteAllText(Path.Combine(inbox, "other.csv"), "anything\n");

        using (var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            var watch = RunTestSupport.RunCancellableAsync(_dir.Path, stop.Token, "watch", "inbox", "--poll-ms", "100", "--settle", "0", "--database-url", db.ConnectionString);
            await WatchCommandTests.WaitForAsync(() => Directory.GetFiles(inbox, "*.csv").Length == 0, watch);
            await stop.CancelAsync();
            var result = await watch;
            Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        }

        Assert.Equal((FileStatus.Loaded, 1L), Outcome(Path.Combine(inbox, "processed", "orders-1.summary.json")));
        Assert.Equal((FileStatus.Loaded, 2L), Outcome(Path.Combine(inbox, "processed", "orders-legacy-1.summary.json")));
        var unmapped = Read(Path.Combine(inbox, "rejected", "other.summary.json"));
        Assert.Equal(FileStatus.Rejected, unmapped.Status);
        Assert.Equal(1, unmapped.RejectReasons[FileErrorCodes.NoContract]);
        Assert.Contains("no contract is mapped", unmapped.Error);
        Assert.True(File.Exists(Path.Combine(inbox, "rejected", "other.csv")));
        await using var check = await db.Database.OpenConnectionAsync();
        await using var rule = new NpgsqlCommand("SELECT tax_rule_id FROM txetl.orders WHERE order_no = 81", check);
        Assert.Equal("AT-RED-BOOKS", await rule.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Refuses_contract_given_both_by_option_and_by_contracts_json()
    {
        Inbox("""{"": "builtin:transactions.contract.json"}""");

        var result = await RunBoundedAsync("watch", "inbox", "--contract", "inbox/contracts/orders.contract.json", "--database-url", db.ConnectionString);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--contract and", result.Stderr);
        Assert.Contains("contracts.json both choose the contract", result.Stderr);
    }

    [Fact]
    public async Task Stops_at_start_when_contracts_json_names_a_missing_contract()
    {
        var inbox = Inbox("""{"a-": "contracts/absent.contract.json"}""");
        File.WriteAllText(Path.Combine(inbox, "a-1.csv"), "x\n");

        var result = await RunBoundedAsync("watch", "inbox", "--database-url", db.ConnectionString);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("absent.contract.json: contract file not found", result.Stderr);
        Assert.True(File.Exists(Path.Combine(inbox, "a-1.csv")));
    }

    // watch runs until cancelled: one that wrongly starts must end the test with its exit code 0, not hang it.
    private async Task<CliResult> RunBoundedAsync(params string[] args)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await RunTestSupport.RunCancellableAsync(_dir.Path, stop.Token, args);
    }

    private static FileSummary Read(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), FileSummaryJsonContext.Default.FileSummary)!;

    private static (string, long) Outcome(string path) => Read(path) is var s ? (s.Status, s.RowsLoaded) : default;
}
