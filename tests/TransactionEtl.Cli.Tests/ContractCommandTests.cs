using System.Text.RegularExpressions;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// The docs' complete example (docs/contracts.md), copied as written into an empty directory, loads with <c>txetl run</c>
/// on a fresh database (the class's own), and a second run is <c>already_loaded</c>; <c>txetl contract ddl/check</c>.
/// </summary>
public sealed partial class ContractCommandTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-contract-test-");

    public void Dispose() => _dir.Dispose();

    // Each file of the example: a line "`NAME`:", a blank line, then a fenced block holding the file.
    [GeneratedRegex("^`([^`\n]+)`:\n\n```[a-z]*\n(.*?)```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ExampleFile();

    /// <summary>Writes every file of the docs' example into an empty directory, as written; returns their names.</summary>
    private List<string> CopyDocsExample()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "contracts.md")).ReplaceLineEndings("\n");
        var start = page.IndexOf("## A complete example", StringComparison.Ordinal);
        var section = page[start..page.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        var names = new List<string>();
        foreach (Match file in ExampleFile().Matches(section))
        {
            var path = Path.Combine(_dir.Path, file.Groups[1].Value);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Groups[2].Value);
            names.Add(file.Groups[1].Value);
        }

        return names;
    }

    [Fact]
    public async Task The_docs_orders_example_loads_as_written_on_a_fresh_database_and_a_rerun_is_already_loaded()
    {
        Assert.Equal(["orders.contract.json", "rules/at.csv", "orders.csv"], CopyDocsExample());
        string[] run = ["run", "orders.csv", "--contract", "orders.contract.json", "--database-url", db.ConnectionString, "--json"];

        var first = await RunTestSupport.RunAsync(_dir.Path, run);
        var second = await RunTestSupport.RunAsync(_dir.Path, run);

        Assert.True(first.ExitCode == 0, first.Stderr);
        var loaded = Assert.Single(RunTestSupport.Summaries(first.Stdout));
        Assert.Equal(FileStatus.Loaded, loaded.Status);
        Assert.Equal(2, loaded.RowsLoaded);
        Assert.Equal(0, second.ExitCode);
        var again = Assert.Single(RunTestSupport.Summaries(second.Stdout));
        Assert.Equal(FileStatus.AlreadyLoaded, again.Status);
        Assert.Equal(loaded.FileId, again.FileId);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var rows = new NpgsqlCommand(
            "SELECT string_agg(concat_ws(' ', order_no, customer, coalesce(note, 'null'), net_amount, tax_amount, gross_amount, tax_rule_id), '; ' " +
            "ORDER BY order_no) FROM txetl.orders", connection);
        Assert.Equal(
            "1001 C-000042 First order 100.00 20.00 120.00 AT-STD; 1002 C-000043 null 25.50 2.55 28.05 AT-RED-BOOKS",
            await rows.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Contract_ddl_prints_the_create_table_of_the_docs_example()
    {
        CopyDocsExample();

        var result = await RunTestSupport.RunAsync(_dir.Path, "contract", "ddl", "orders.contract.json");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("CREATE TABLE \"txetl\".\"orders\" (\n    \"order_no\" bigint NOT NULL,\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("    \"note\" text,\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("    PRIMARY KEY (\"order_no\")\n);\nCREATE INDEX ON \"txetl\".\"orders\" (\"file_id\");\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contract_check_prints_the_table_and_columns_and_names_a_mistake_with_its_json_path()
    {
        CopyDocsExample();
        var broken = Path.Combine(_dir.Path, "broken.json");
        File.WriteAllText(broken, File.ReadAllText(Path.Combine(_dir.Path, "orders.contract.json"))
            .Replace("\"maxRejectedRatio\": 0.01", "\"maxRejectedRatio\": 0.01, \"createTabel\": false", StringComparison.Ordinal));

        var good = await RunTestSupport.RunAsync(_dir.Path, "contract", "check", "orders.contract.json");
        var bad = await RunTestSupport.RunAsync(_dir.Path, "contract", "check", "broken.json");

        Assert.Equal(0, good.ExitCode);
        Assert.Contains("Contract:   orders 2.1.0", good.Stdout, StringComparison.Ordinal);
        Assert.Contains("Table:      txetl.orders (created on the first load", good.Stdout, StringComparison.Ordinal);
        Assert.Contains("Columns:    order_no bigint, ordered_at timestamp with time zone, customer text, note text null,", good.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("x-txetl.createTabel: unknown property", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contract_check_refuses_a_contract_that_would_load_into_the_ledger()
    {
        CopyDocsExample();
        File.WriteAllText(Path.Combine(_dir.Path, "ledger.json"), File.ReadAllText(Path.Combine(_dir.Path, "orders.contract.json"))
            .Replace("\"table\": \"orders\"", "\"table\": \"ingestion_files\"", StringComparison.Ordinal));

        var result = await RunTestSupport.RunAsync(_dir.Path, "contract", "check", "ledger.json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("x-txetl.table: 'ingestion_files' is one of txetl's own tables", result.Stderr, StringComparison.Ordinal);
    }
}
