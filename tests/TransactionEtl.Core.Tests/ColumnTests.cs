namespace TransactionEtl.Core.Tests;

public class ColumnTests
{
    private static async Task<(long Line, string Raw, string Key, object?[] Values)> AcceptedAsync(string row)
    {
        var (result, sink) = await Engine.RowAsync(row);
        Assert.Null(result.ErrorCode);
        Assert.True(sink.Rejected.Count == 0, string.Join(" | ", sink.Rejected.SelectMany(r => r.Errors).Select(e => e.Message)));
        return Assert.Single(sink.Valid);
    }

    private static async Task<CellError> RejectedAsync(string row, string? column, string code)
    {
        var (result, sink) = await Engine.RowAsync(row);
        Assert.Null(result.ErrorCode);
        Assert.Empty(sink.Valid);
        var rejected = Assert.Single(sink.Rejected);
        var error = Assert.Single(rejected.Errors);
        Assert.Equal(column, error.Column);
        Assert.Equal(code, error.Code);
        return error;
    }

    [Theory]
    [InlineData("TX-1", "TX-1")]
    [InlineData("  a.b_c:d-9  ", "a.b_c:d-9")]
    [InlineData("Aa", "Aa")]
    public async Task Accepts_transaction_ids(string input, string stored) =>
        Assert.Equal(stored, (await AcceptedAsync(Engine.Row(id: input))).Value("transaction_id"));

    [Fact]
    public async Task Accepts_a_64_character_transaction_id() =>
        await AcceptedAsync(Engine.Row(id: new string('a', 64)));

    [Theory]
    [InlineData("TX 1")]
    [InlineData("TX/1")]
    [InlineData("T\u00e9")]
    public async Task Rejects_transaction_ids_outside_the_allowed_characters(string id)
    {
        var error = await RejectedAsync(Engine.Row(id: id), "transaction_id", "constraint-error");
        Assert.Contains("expected 1-64 characters of A-Z a-z 0-9 . _ : -", error.Message);
        Assert.Equal(id, error.Value);
    }

    [Fact]
    public async Task Rejects_a_65_character_transaction_id() =>
        await RejectedAsync(Engine.Row(id: new string('a', 65)), "transaction_id", "constraint-error");

    [Fact]
    public async Task Rejects_an_empty_transaction_id()
    {
        var error = await RejectedAsync(Engine.Row(id: "  "), "transaction_id", "constraint-error");
        Assert.Contains("required", error.Message);
    }

    [Theory]
    [InlineData("2024-03-01", "2024-03-01T00:00:00.0000000Z")]
    [InlineData("2024-03-01T10:15", "2024-03-01T10:15:00.0000000Z")]
    [InlineData("2024-03-01 10:15:30", "2024-03-01T10:15:30.0000000Z")]
    [InlineData("2024-03-01T10:15:30.5Z", "2024-03-01T10:15:30.5000000Z")]
    [InlineData("2024-03-01T10:15:30.123456Z", "2024-03-01T10:15:30.1234560Z")]
    [InlineData("2024-03-01T10:15:30+02:00", "2024-03-01T08:15:30.0000000Z")]
    [InlineData("2024-03-01T00:15-05:30", "2024-03-01T05:45:00.0000000Z")]
    [InlineData("2024-02-29T23:59:59Z", "2024-02-29T23:59:59.0000000Z")]
    public async Task Accepts_iso_8601_timestamps_and_stores_utc(string input, string utc)
    {
        var value = (DateTime)(await AcceptedAsync(Engine.Row(timestamp: input))).Value("occurred_at")!;
        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(utc, value.ToString("O"));
    }

    [Theory]
    [InlineData("2023-02-29")]
    [InlineData("2024-13-01")]
    [InlineData("2024-04-31")]
    [InlineData("01/03/2024")]
    [InlineData("2024-3-1")]
    [InlineData("2024-03-01T24:00")]
    [InlineData("2024-03-01T10:60")]
    [InlineData("2024-03-01T10:00:00.1234567Z")]
    [InlineData("2024-03-01T10:00+0200")]
    [InlineData("2024-03-01T10:00:00 UTC")]
    [InlineData("\"March 1, 2024\"")]
    [InlineData("2024-03-01T")]
    public async Task Rejects_timestamps_that_are_not_the_iso_subset_or_not_real(string input)
    {
        var error = await RejectedAsync(Engine.Row(timestamp: input), "timestamp", "type-error");
        Assert.Contains("expected YYYY-MM-DD", error.Message);
    }

    [Fact]
    public async Task Rejects_account_ids_with_control_characters() =>
        await RejectedAsync(Engine.Row(account: "A\u0001B"), "account_id", "constraint-error");

    [Fact]
    public async Task Rejects_account_ids_longer_than_64() =>
        await RejectedAsync(Engine.Row(account: new string('a', 65)), "account_id", "constraint-error");

    [Fact]
    public async Task Accepts_account_ids_with_any_printable_characters() =>
        Assert.Equal("Kunde Nr. 5 / \u00e9", (await AcceptedAsync(Engine.Row(account: " Kunde Nr. 5 / \u00e9 "))).Value("account_id"));

    [Fact]
    public async Task Collapses_whitespace_and_composes_merchant_names()
    {
        var row = await AcceptedAsync(Engine.Row(merchant: "\"  Cafe\u0301 \t  de\r\n  Paris \""));
        Assert.Equal("Caf\u00e9 de Paris", row.Value("merchant"));
    }

    [Fact]
    public async Task Stores_an_empty_merchant_as_null() =>
        Assert.Null((await AcceptedAsync(Engine.Row(merchant: "   "))).Value("merchant"));

    [Fact]
    public async Task Accepts_a_200_character_merchant_and_rejects_201()
    {
        await AcceptedAsync(Engine.Row(merchant: new string('m', 200)));
        var error = await RejectedAsync(Engine.Row(merchant: new string('m', 201)), "merchant", "constraint-error");
        Assert.Contains("at most 200", error.Message);
    }

    [Theory]
    [InlineData("Groceries", "groceries")]
    [InlineData(" RESTAURANTS ", "restaurants")]
    [InlineData("other", "other")]
    public async Task Lower_cases_categories(string input, string stored) =>
        Assert.Equal(stored, (await AcceptedAsync(Engine.Row(category: input))).Value("category"));

    [Fact]
    public async Task Rejects_unknown_categories_listing_the_allowed_ones()
    {
        var error = await RejectedAsync(Engine.Row(category: "food"), "category", "constraint-error");
        Assert.Contains("expected one of groceries, restaurants, electronics", error.Message);
    }

    [Theory]
    [InlineData("10", "EUR")]
    [InlineData("+10.5", "EUR")]
    [InlineData("-10.25", "EUR")]
    [InlineData("1000", "JPY")]
    [InlineData("1.234", "KWD")]
    [InlineData("0.001", "BHD")]
    [InlineData("1.2345", "CLF")]
    public async Task Accepts_amounts_within_the_currency_minor_unit(string amount, string currency)
    {
        string country = currency switch { "JPY" => "JP", "KWD" => "KW", "BHD" => "BH", "CLF" => "DE", _ => "DE" };
        await AcceptedAsync(Engine.Row(amount: amount, currency: currency, country: country));
    }

    [Theory]
    [InlineData("\"1,000.00\"")]
    [InlineData("\"1.000,00\"")]
    [InlineData("1e3")]
    [InlineData("$10")]
    [InlineData("10 EUR")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("--5")]
    [InlineData("")]
    [InlineData("99999999999999999999999999999")]
    public async Task Rejects_amounts_that_are_not_plain_decimals(string amount)
    {
        var (_, sink) = await Engine.RowAsync(Engine.Row(amount: amount));
        var error = Assert.Single(Assert.Single(sink.Rejected).Errors);
        Assert.Equal("amount", error.Column);
        Assert.Equal(amount.Length == 0 ? "constraint-error" : "type-error", error.Code);
    }

    [Theory]
    [InlineData("10.123", "EUR", "DE", "EUR allows at most 2")]
    [InlineData("100.5", "JPY", "JP", "JPY allows at most 0")]
    [InlineData("1.2345", "KWD", "KW", "KWD allows at most 3")]
    public async Task Rejects_amounts_with_more_decimals_than_the_currency_allows(string amount, string currency, string country, string hint)
    {
        var error = await RejectedAsync(Engine.Row(amount: amount, currency: currency, country: country), "amount", "constraint-error");
        Assert.Contains(hint, error.Message);
    }

    [Fact]
    public async Task Upper_cases_currency_codes() =>
        Assert.Equal("EUR", (await AcceptedAsync(Engine.Row(currency: " eur "))).Value("currency"));

    [Theory]
    [InlineData("EURO")]
    [InlineData("XXX")]
    [InlineData("HRK")]
    [InlineData("E")]
    public async Task Rejects_codes_that_are_not_active_iso_4217(string currency)
    {
        var error = await RejectedAsync(Engine.Row(currency: currency), "currency", "constraint-error");
        Assert.Contains("is not an active ISO 4217 currency code; expected an ISO 4217 code such as EUR", error.Message);
    }

    [Fact]
    public async Task Upper_cases_country_codes() =>
        Assert.Equal("DE", (await AcceptedAsync(Engine.Row(country: "de"))).Value("country"));

    [Theory]
    [InlineData("XX")]
    [InlineData("DEU")]
    [InlineData("UK")]
    public async Task Rejects_codes_that_are_not_iso_3166_alpha_2(string country)
    {
        var (_, sink) = await Engine.RowAsync(Engine.Row(country: country));
        var errors = Assert.Single(sink.Rejected).Errors;
        Assert.Contains(errors, e => e.Column == "country" && e.Code == "constraint-error" && e.Message.Contains("expected a code such as DE"));
    }

    [Fact]
    public async Task Upper_cases_regions_and_stores_empty_as_null()
    {
        Assert.Equal("US-CA", (await AcceptedAsync(Engine.Row(currency: "USD", country: "US", region: "us-ca"))).Value("region"));
        Assert.Null((await AcceptedAsync(Engine.Row(region: ""))).Value("region"));
    }

    [Fact]
    public async Task Rejects_a_region_of_another_country()
    {
        var error = await RejectedAsync(Engine.Row(country: "DE", region: "US-CA"), "region", "constraint-error");
        Assert.Contains("expected a code starting with DE-", error.Message);
    }

    [Theory]
    [InlineData("CA")]
    [InlineData("US_CA")]
    [InlineData("US-CALI")]
    public async Task Rejects_regions_not_shaped_like_iso_3166_2(string region) =>
        await RejectedAsync(Engine.Row(currency: "USD", country: "US", region: region), "region", "constraint-error");

    [Theory]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    [InlineData("Yes", true)]
    [InlineData("no", false)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("Y", true)]
    [InlineData("n", false)]
    public async Task Accepts_boolean_spellings_in_any_case(string input, bool stored) =>
        Assert.Equal(stored, (await AcceptedAsync(Engine.Row(includesTax: input))).Value("price_includes_tax"));

    [Fact]
    public async Task Rejects_other_boolean_spellings()
    {
        var error = await RejectedAsync(Engine.Row(includesTax: "maybe"), "price_includes_tax", "type-error");
        Assert.Contains("expected one of true, yes, 1, y, false, no, 0, n", error.Message);
    }

    [Fact]
    public async Task Collects_every_error_of_a_row_not_only_the_first()
    {
        var (result, sink) = await Engine.RowAsync(Engine.Row(id: "bad id", timestamp: "yesterday", category: "food", currency: "EURO"));
        var rejected = Assert.Single(sink.Rejected);
        Assert.Equal(["transaction_id", "timestamp", "category", "currency"], rejected.Errors.Select(e => e.Column));
        Assert.Equal(1, result.RejectReasons["type-error"]);
        Assert.Equal(3, result.RejectReasons["constraint-error"]);
    }

    [Fact]
    public async Task Reports_missing_cells_of_a_short_row()
    {
        var (_, sink) = await Engine.RowAsync("TX-1,2024-03-01,A1,Shop,groceries,10.00,EUR,DE");
        var errors = Assert.Single(sink.Rejected).Errors;
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal("missing-cell", e.Code));
        Assert.Equal(["region", "price_includes_tax"], errors.Select(e => e.Column));
    }

    [Fact]
    public async Task Reports_extra_cells_once_per_row()
    {
        var (_, sink) = await Engine.RowAsync(Engine.Row() + ",x,y");
        var error = Assert.Single(Assert.Single(sink.Rejected).Errors);
        Assert.Equal("extra-cell", error.Code);
        Assert.Equal("x", error.Value);
        Assert.Contains("cell(s) 11..12", error.Message);
    }

    [Fact]
    public async Task Rejects_later_duplicates_naming_the_line_of_the_first()
    {
        string text = Engine.Header + "\n" + Engine.Row(id: "D") + "\n" + Engine.Row(id: "E") + "\n" + Engine.Row(id: "D", amount: "5.00") + "\n";
        var (result, sink) = await Engine.RunAsync(text);
        Assert.Equal(2, sink.Valid.Count);
        var rejected = Assert.Single(sink.Rejected);
        Assert.Equal(4, rejected.Line);
        var error = Assert.Single(rejected.Errors);
        Assert.Equal("primary-key", error.Code);
        Assert.Equal("transaction_id 'D' repeats line 2, whose row was kept; give this row its own id or remove it.", error.Message);
        Assert.Equal(1, result.RejectReasons["primary-key"]);
    }

    [Fact]
    public async Task The_first_otherwise_valid_occurrence_wins()
    {
        string text = Engine.Header + "\n" + Engine.Row(id: "D", amount: "bad") + "\n" + Engine.Row(id: "D") + "\n" + Engine.Row(id: "D", currency: "EURO") + "\n";
        var (_, sink) = await Engine.RunAsync(text);
        Assert.Equal(3, Assert.Single(sink.Valid).Line);
        Assert.Equal([2L, 4L], sink.Rejected.Select(r => r.Line));
        // The third is wrong twice: its currency and its repeated id; both are reported.
        Assert.Equal(["constraint-error", "primary-key"], sink.Rejected[1].Errors.Select(e => e.Code));
    }

    [Fact]
    public async Task Leaves_duplicates_to_the_loader_when_in_memory_detection_is_off()
    {
        string text = Engine.Header + "\n" + Engine.Row(id: "D") + "\n" + Engine.Row(id: "D") + "\n";
        var (_, sink) = await Engine.RunAsync(text, detectDuplicates: false);
        Assert.Equal(2, sink.Valid.Count);
        Assert.All(sink.Valid, v => Assert.Equal("D", v.Key));
    }

    [Fact]
    public async Task Ids_are_case_sensitive()
    {
        var (_, sink) = await Engine.RunAsync(Engine.Header + "\n" + Engine.Row(id: "d") + "\n" + Engine.Row(id: "D") + "\n");
        Assert.Equal(2, sink.Valid.Count);
    }
}
