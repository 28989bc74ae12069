using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests.Docs;

/// <summary>docs/contracts.md against the code and the database: its codes table and what it says is stored.</summary>
public sealed partial class ContractsDocTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "contracts.md"));

    private readonly ScratchDirectory _dir = new("txetl-contracts-doc-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_codes_table_has_every_code_the_engine_and_loader_use()
    {
        var codes = typeof(FileErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!);
        var at = Doc.IndexOf("\n## Codes\n", StringComparison.Ordinal);
        var section = at < 0 ? "" : Doc[at..];
        var table = TableCode().Matches(section).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var missing = codes.Where(c => !table.Contains(c)).ToList();

        Assert.True(missing.Count == 0, "docs/contracts.md's \"## Codes\" table lacks: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task JPY_and_KWD_amounts_read_back_as_the_doc_says()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        File.WriteAllText(Path.Combine(work, "minor.csv"), string.Join("\n",
            "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax",
            "MINOR-JPY,2025-01-01,ACC-1,Shop,books,1000,JPY,JP,,true",
            "MINOR-KWD,2025-01-01,ACC-1,Shop,books,12.345,KWD,KW,,true") + "\n");
        var run = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "minor.csv");
        Assert.Equal(0, run.ExitCode);

        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var stored = new Dictionary<string, string[]>();
        await using (var read = dataSource.CreateCommand(
            "SELECT transaction_id, net_amount::text, tax_amount::text, gross_amount::text FROM txetl.transactions WHERE transaction_id LIKE 'MINOR-%'"))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = [reader.GetString(1), reader.GetString(2), reader.GetString(3)];
            }
        }
        await using var types = dataSource.CreateCommand(
            "SELECT string_agg(format('%s numeric(%s,%s)', column_name, numeric_precision, numeric_scale), ', ' ORDER BY column_name) " +
            "FROM information_schema.columns WHERE table_schema = 'txetl' AND table_name = 'transactions' AND column_name LIKE '%_amount'");
        var columnTypes = (string)(await types.ExecuteScalarAsync())!;

        Assert.Equal("gross_amount numeric(20,4), net_amount numeric(20,4), tax_amount numeric(20,4)", columnTypes);
        Assert.Equal(["909.0000", "91.0000", "1000.0000"], stored["MINOR-JPY"]);
        Assert.Equal(["12.3450", "0.0000", "12.3450"], stored["MINOR-KWD"]);
        // The doc says just that, and no longer that the columns hold exactly the minor unit's decimals.
        foreach (var claim in new[] { "`numeric(20,4)`", "net `909.0000`, tax `91.0000`, gross `1000.0000`", "12.345 as `12.3450`" })
        {
            Assert.Contains(claim, Doc.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal));
        }
        Assert.DoesNotContain("stored with exactly the minor unit's decimals", Doc);
    }

    [GeneratedRegex(@"^\| `([a-z-]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableCode();
}
