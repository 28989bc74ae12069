using System.Text;

namespace TransactionEtl.Core.Tests;

public class HeaderTests
{
    [Fact]
    public async Task Matches_header_names_case_insensitively_after_trimming_in_any_order()
    {
        var (result, sink) = await Engine.RunAsync(
            " CURRENCY ,Transaction_ID,timestamp,account_id,category,AMOUNT,country\nEUR,TX-1,2024-03-01,A1,books,10.00,DE\n");
        Assert.Null(result.ErrorCode);
        var row = Assert.Single(sink.Valid);
        Assert.Equal("TX-1", row.Value("transaction_id"));
        Assert.Equal("EUR", row.Value("currency"));
    }

    [Theory]
    [InlineData("transaction_date")]
    [InlineData("date")]
    [InlineData("occurred_at")]
    [InlineData("Transaction_Date")]
    public async Task Accepts_aliases_of_timestamp(string alias)
    {
        var (result, sink) = await Engine.RunAsync($"transaction_id,{alias},account_id,category,amount,currency,country\nTX-1,2024-03-01,A1,books,10.00,EUR,DE\n");
        Assert.Null(result.ErrorCode);
        Assert.Equal(new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc), Assert.Single(sink.Valid).Value("occurred_at"));
    }

    [Theory]
    [InlineData("merchant_name")]
    [InlineData("description")]
    public async Task Accepts_aliases_of_merchant(string alias)
    {
        var (_, sink) = await Engine.RunAsync($"transaction_id,timestamp,account_id,category,amount,currency,country,{alias}\nTX-1,2024-03-01,A1,books,10.00,EUR,DE,Book  Shop\n");
        Assert.Equal("Book Shop", Assert.Single(sink.Valid).Value("merchant"));
    }

    [Fact]
    public async Task Accepts_tax_included_as_alias_of_price_includes_tax()
    {
        var (_, sink) = await Engine.RunAsync("transaction_id,timestamp,account_id,category,amount,currency,country,region,tax_included\nTX-1,2024-03-01,A1,books,10.00,USD,US,US-NY,yes\n");
        var row = Assert.Single(sink.Valid);
        Assert.Equal(true, row.Value("price_includes_tax"));
        Assert.Equal(0.38m, row.Value("tax_amount"));
    }

    [Fact]
    public async Task Rejects_the_file_when_a_required_column_is_missing_naming_it_and_the_header_found()
    {
        var (result, sink) = await Engine.RunAsync("transaction_id,timestamp,category,amount,currency,country\nTX-1,2024-03-01,books,10.00,EUR,DE\n");
        Assert.Equal("missing-label", result.ErrorCode);
        Assert.Contains("account_id", result.ErrorMessage);
        Assert.Contains("the header found is: transaction_id, timestamp, category, amount, currency, country", result.ErrorMessage);
        Assert.Empty(sink.Valid);
        Assert.True(result.IsRejected);
    }

    [Fact]
    public async Task Missing_label_message_lists_the_aliases_of_the_missing_column()
    {
        var (result, _) = await Engine.RunAsync("transaction_id,account_id,category,amount,currency,country\n");
        Assert.Equal("missing-label", result.ErrorCode);
        Assert.Contains("timestamp (or transaction_date, date, occurred_at)", result.ErrorMessage);
    }

    [Fact]
    public async Task Rejects_the_file_when_a_column_is_named_twice()
    {
        var (result, _) = await Engine.RunAsync(Engine.Header + ",Currency\n");
        Assert.Equal("duplicate-label", result.ErrorCode);
        Assert.Contains("'Currency' is named twice (columns 7 and 11)", result.ErrorMessage);
    }

    [Fact]
    public async Task Rejects_the_file_when_a_column_and_its_alias_are_both_present()
    {
        var (result, _) = await Engine.RunAsync(Engine.Header + ",date\n");
        Assert.Equal("duplicate-label", result.ErrorCode);
        Assert.Contains("both name timestamp", result.ErrorMessage);
    }

    [Fact]
    public async Task Ignores_unknown_columns_with_a_warning()
    {
        var (result, sink) = await Engine.RunAsync(Engine.Header + ",note\n" + Engine.Row() + ",hello\n");
        Assert.Null(result.ErrorCode);
        Assert.Single(sink.Valid);
        Assert.Equal("unknown column 'note' (column 11) is ignored", Assert.Single(result.Warnings));
    }

    [Fact]
    public async Task Rejects_an_empty_file()
    {
        var (result, _) = await Engine.RunAsync([]);
        Assert.Equal("empty-file", result.ErrorCode);
        Assert.Equal(0, result.Bytes);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", result.Sha256);
    }

    [Fact]
    public async Task Rejects_a_file_of_only_a_bom_and_blank_lines_as_empty()
    {
        var (result, _) = await Engine.RunAsync([0xEF, 0xBB, 0xBF, (byte)'\n', (byte)'\r', (byte)'\n']);
        Assert.Equal("empty-file", result.ErrorCode);
        Assert.Equal(2, result.BlankLines);
    }

    [Fact]
    public async Task Loads_a_header_only_file_with_zero_rows()
    {
        var (result, sink) = await Engine.RunAsync(Engine.Header + "\n");
        Assert.Null(result.ErrorCode);
        Assert.Equal(0, result.RowsTotal);
        Assert.Empty(sink.Valid);
        Assert.False(result.IsRejected);
        Assert.Equal("loaded", FileSummary.ForDryRun("f.csv", result).Status);
    }

    [Fact]
    public async Task Reads_the_header_after_a_utf8_bom()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Engine.Header + "\r\n" + Engine.Row() + "\r\n")).ToArray();
        var (result, sink) = await Engine.RunAsync(bytes);
        Assert.Null(result.ErrorCode);
        Assert.Equal("transaction_id", result.Header[0]);
        Assert.Single(sink.Valid);
        Assert.Equal(bytes.Length, result.Bytes);
    }
}
