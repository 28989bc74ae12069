namespace TransactionEtl.Core.Tests;

public class SmokeTests
{
    [Fact]
    public async Task Processes_a_valid_row_with_the_default_contract()
    {
        var (result, sink) = await Engine.RowAsync(Engine.Row());
        Assert.Null(result.ErrorMessage);
        Assert.Empty(sink.Rejected);
        var row = Assert.Single(sink.Valid);
        Assert.Equal(2, row.Line);
        Assert.Equal(0.65m, row.Value("tax_amount"));
        Assert.Equal("DE-RED-FOOD-2021", row.Value("tax_rule_id"));
    }
}
