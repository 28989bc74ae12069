using System.Text;
using System.Text.RegularExpressions;

namespace TransactionEtl.Core.Tests;

/// <summary>The complete example in docs/contracts.md must load and behave as the page says.</summary>
public sealed class DocumentationTests : IDisposable
{
    // Per test (xunit makes an instance per test), removed afterwards.
    private readonly string _directory = Directory.CreateTempSubdirectory("txetl-doc-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_complete_example_in_the_contract_docs_loads_and_runs()
    {
        string page = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "contracts.md"));
        string section = page[page.IndexOf("## A complete example", StringComparison.Ordinal)..];
        string json = Regex.Match(section, "```json\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        string rules = Regex.Match(section, "`rules/at.csv`:\n\n```\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        Assert.NotEmpty(json);
        Assert.NotEmpty(rules);

        string dir = _directory;
        Directory.CreateDirectory(Path.Combine(dir, "rules"));
        File.WriteAllText(Path.Combine(dir, "rules", "at.csv"), rules);
        File.WriteAllText(Path.Combine(dir, "orders.json"), json);
        var contract = Contract.Load(Path.Combine(dir, "orders.json"));

        Assert.Equal(
            ["order_no", "ordered_at", "customer", "note", "kind", "currency", "country", "price_includes_tax",
             "net_amount", "tax_amount", "gross_amount", "tax_rate", "tax_rule_id"],
            contract.OutputColumns.Select(c => c.Name));
        Assert.Equal("orders", contract.TargetTable);
        Assert.Equal(0.01m, contract.MaxRejectedRatio);

        string csv = "Order Number;Order Date;customer;note;kind;price;currency;country;gross\n"
            + "17;2024-05-02T09:00:00+02:00;c-000042;  gift \t wrap ;Books;11.00;eur;at;gross\n"
            + "18;2024-05-02;C-42;-;goods;10.00;EUR;AT;net\n";
        var (result, sink) = await Engine.RunAsync(csv, contract);
        Assert.Null(result.ErrorCode);
        var row = Assert.Single(sink.Valid);
        Assert.Equal([17L, new DateTime(2024, 5, 2, 7, 0, 0, DateTimeKind.Utc), "C-000042", "gift wrap", "books", "EUR", "AT", true, 10.00m, 1.00m, 11.00m, 0.10m, "AT-RED-BOOKS"], row.Values);
        var error = Assert.Single(Assert.Single(sink.Rejected).Errors);
        Assert.Equal("customer", error.Column);
        Assert.Contains("expected C- and six digits", error.Message);
    }

    [Fact]
    public void The_invalid_regex_message_reads_as_documented()
    {
        string page = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "contracts.md"));
        var e = Assert.Throws<ContractException>(() => Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(
            """{ "name": "x", "version": "1", "fields": [ {"name": "a"}, {"name": "b"}, {"name": "c"}, { "name": "d", "constraints": { "pattern": "([a-z]" } } ] }""")), "my.json", null));
        Assert.StartsWith("my.json: fields[3].constraints.pattern: invalid regex: ", e.Message);
        Assert.Contains("txetl: error: " + e.Message[..60], page);
    }
}
