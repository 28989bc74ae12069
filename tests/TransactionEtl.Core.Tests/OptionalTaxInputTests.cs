using System.Text;
using System.Text.Json.Nodes;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// A contract may leave a field that feeds the tax step optional. A row where it is empty cannot be taxed: it is
/// rejected with <c>no-tax-rule</c> naming the field, and the rest of the file goes on (it used to stop the whole file
/// with an unexpected ArgumentNullException or NullReferenceException).
/// </summary>
public class OptionalTaxInputTests
{
    [Theory]
    [InlineData("country")]
    [InlineData("currency")]
    [InlineData("amount")]
    [InlineData("timestamp")]
    public async Task A_row_with_an_empty_optional_tax_input_is_rejected_and_the_others_load(string field)
    {
        var contract = WithOptional(field);
        string empty = Engine.Row(
            id: "TX-2",
            country: field == "country" ? "" : "DE",
            currency: field == "currency" ? "" : "EUR",
            amount: field == "amount" ? "" : "10.00",
            timestamp: field == "timestamp" ? "" : "2024-03-01T10:00:00Z");
        string text = $"{Engine.Header}\n{Engine.Row(id: "TX-1")}\n{empty}\n{Engine.Row(id: "TX-3")}\n";

        var (result, sink) = await Engine.RunAsync(text, contract);

        Assert.Equal([2L, 4L], sink.Valid.Select(v => v.Line));
        var rejected = Assert.Single(sink.Rejected);
        Assert.Equal(3, rejected.Line);
        var error = Assert.Single(rejected.Errors);
        Assert.Equal((field, "no-tax-rule"), (error.Column, error.Code));
        Assert.StartsWith($"no tax rule without {field}: the cell is empty", error.Message);
        Assert.Equal((3L, 2L, 1L), (result.RowsTotal, result.RowsValid, result.RowsRejected));
    }

    private static Contract WithOptional(string field)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "contracts", "transactions.contract.json")))!.AsObject();
        foreach (var f in node["fields"]!.AsArray())
        {
            if ((string?)f!["name"] == field)
            {
                f["constraints"]!["required"] = false;
            }
        }
        return Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(node.ToJsonString())), "optional-tax.json", null);
    }
}
