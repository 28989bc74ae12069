using System.Text;

namespace TransactionEtl.Core.Tests;

public class TaxTests
{
    private static async Task<(long Line, string Raw, string Key, object?[] Values)> TaxedAsync(string row)
    {
        var (_, sink) = await Engine.RowAsync(row);
        Assert.True(sink.Rejected.Count == 0, string.Join(" | ", sink.Rejected.SelectMany(r => r.Errors).Select(e => e.Message)));
        return Assert.Single(sink.Valid);
    }

    private static void AssertAmounts((long Line, string Raw, string Key, object?[] Values) row, string net, string tax, string gross)
    {
        // Compare the text, so the scale (number of decimals stored) is checked as well as the value.
        Assert.Equal(net, ((decimal)row.Value("net_amount")!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(tax, ((decimal)row.Value("tax_amount")!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(gross, ((decimal)row.Value("gross_amount")!).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Inclusive_eur_tax_is_rounded_to_cents()
    {
        // 100.00 * 0.19 / 1.19 = 15.966... -> 15.97
        var row = await TaxedAsync(Engine.Row(category: "electronics", amount: "100.00"));
        AssertAmounts(row, "84.03", "15.97", "100.00");
        Assert.Equal(0.19m, row.Value("tax_rate"));
        Assert.Equal("DE-STD-2021", row.Value("tax_rule_id"));
        Assert.Equal(true, row.Value("price_includes_tax"));
    }

    [Fact]
    public async Task Exclusive_eur_tax_is_added_to_the_net_amount()
    {
        var row = await TaxedAsync(Engine.Row(category: "electronics", amount: "100", includesTax: "false"));
        AssertAmounts(row, "100.00", "19.00", "119.00");
    }

    [Fact]
    public async Task Stores_amounts_with_the_currency_scale()
    {
        var row = await TaxedAsync(Engine.Row(category: "electronics", amount: "10.5"));
        AssertAmounts(row, "8.82", "1.68", "10.50");
    }

    [Fact]
    public async Task Inclusive_jpy_tax_has_no_decimals()
    {
        // 1000 * 0.10 / 1.10 = 90.909... -> 91
        var row = await TaxedAsync(Engine.Row(category: "electronics", amount: "1000", currency: "JPY", country: "JP"));
        AssertAmounts(row, "909", "91", "1000");
    }

    [Fact]
    public async Task Exclusive_jpy_tax_has_no_decimals()
    {
        // 1005 * 0.08 = 80.4 -> 80 (JP reduced rate on food)
        var row = await TaxedAsync(Engine.Row(amount: "1005", currency: "JPY", country: "JP", includesTax: "no"));
        AssertAmounts(row, "1005", "80", "1085");
        Assert.Equal("JP-RED-FOOD", row.Value("tax_rule_id"));
    }

    [Fact]
    public async Task Bhd_tax_has_three_decimals_and_rounds_midpoints_away_from_zero()
    {
        // Exclusive: 1.235 * 0.10 = 0.1235 -> 0.124 (a midpoint, away from zero).
        AssertAmounts(await TaxedAsync(Engine.Row(amount: "1.235", currency: "BHD", country: "BH", includesTax: "n")), "1.235", "0.124", "1.359");
        // Inclusive: 1.234 * 0.10 / 1.10 = 0.11218... -> 0.112
        AssertAmounts(await TaxedAsync(Engine.Row(amount: "1.234", currency: "BHD", country: "BH")), "1.122", "0.112", "1.234");
    }

    [Fact]
    public async Task Kwd_rows_get_a_zero_tax_with_three_decimals()
    {
        var row = await TaxedAsync(Engine.Row(amount: "12.5", currency: "KWD", country: "KW"));
        AssertAmounts(row, "12.500", "0.000", "12.500");
        Assert.Equal("KW-NONE", row.Value("tax_rule_id"));
    }

    [Fact]
    public async Task Rounds_midpoints_away_from_zero_for_refunds_too()
    {
        // US-CA 7.25 % exclusive: 10.00 * 0.0725 = 0.725 -> 0.73; the refund is the mirror image.
        AssertAmounts(await TaxedAsync(Engine.Row(category: "electronics", amount: "10.00", currency: "USD", country: "US", region: "US-CA")), "10.00", "0.73", "10.73");
        AssertAmounts(await TaxedAsync(Engine.Row(category: "electronics", amount: "-10.00", currency: "USD", country: "US", region: "US-CA")), "-10.00", "-0.73", "-10.73");
    }

    [Fact]
    public async Task Negative_inclusive_amounts_are_symmetric()
    {
        AssertAmounts(await TaxedAsync(Engine.Row(category: "electronics", amount: "-100.00")), "-84.03", "-15.97", "-100.00");
    }

    [Theory]
    [InlineData("2020-06-30", "DE-STD", "0.19")]
    [InlineData("2020-07-01", "DE-STD-2020", "0.16")]
    [InlineData("2020-12-31", "DE-STD-2020", "0.16")]
    [InlineData("2021-01-01", "DE-STD-2021", "0.19")]
    public async Task Chooses_the_rule_valid_on_the_tax_date_at_both_boundaries(string date, string ruleId, string rate)
    {
        var row = await TaxedAsync(Engine.Row(timestamp: date, category: "electronics"));
        Assert.Equal(ruleId, row.Value("tax_rule_id"));
        Assert.Equal(decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture), row.Value("tax_rate"));
    }

    [Fact]
    public async Task The_tax_date_is_the_calendar_date_as_written_not_the_utc_date()
    {
        // 00:30 in UTC+2 on 1 July is still 30 June in UTC; the tax date is 1 July (the temporary 16 % rate).
        var row = await TaxedAsync(Engine.Row(timestamp: "2020-07-01T00:30:00+02:00", category: "electronics"));
        Assert.Equal(new DateTime(2020, 6, 30, 22, 30, 0, DateTimeKind.Utc), row.Value("occurred_at"));
        Assert.Equal("DE-STD-2020", row.Value("tax_rule_id"));

        // And the other way: 23:30 at UTC-2 on 31 Dec 2020 is 2021 in UTC, but taxed at the 2020 rate.
        var late = await TaxedAsync(Engine.Row(timestamp: "2020-12-31T23:30:00-02:00", category: "electronics"));
        Assert.Equal(new DateTime(2021, 1, 1, 1, 30, 0, DateTimeKind.Utc), late.Value("occurred_at"));
        Assert.Equal("DE-STD-2020", late.Value("tax_rule_id"));
    }

    [Theory]
    [InlineData("US-CA", "groceries", "US-CA-FOOD")]
    [InlineData("US-CA", "electronics", "US-CA")]
    [InlineData("US-NY", "groceries", "US-NY-FOOD")]
    public async Task Prefers_region_and_category_over_region(string region, string category, string ruleId) =>
        Assert.Equal(ruleId, (await TaxedAsync(Engine.Row(category: category, currency: "USD", country: "US", region: region))).Value("tax_rule_id"));

    [Theory]
    [InlineData("DE", "groceries", "2024-01-01", "DE-RED-FOOD-2021")]
    [InlineData("DE", "books", "2024-01-01", "DE-RED-BOOKS")]
    [InlineData("DE", "books", "2020-01-01", "DE-STD")]
    [InlineData("FR", "restaurants", "2024-01-01", "FR-INT-RESTAURANTS")]
    [InlineData("FR", "fuel", "2024-01-01", "FR-STD")]
    public async Task Prefers_category_over_country_only(string country, string category, string date, string ruleId) =>
        Assert.Equal(ruleId, (await TaxedAsync(Engine.Row(timestamp: date, category: category, country: country))).Value("tax_rule_id"));

    [Fact]
    public async Task Uses_the_rules_default_when_price_includes_tax_is_empty()
    {
        var us = await TaxedAsync(Engine.Row(category: "electronics", amount: "100.00", currency: "USD", country: "US", region: "US-TX"));
        Assert.Equal(false, us.Value("price_includes_tax"));
        AssertAmounts(us, "100.00", "6.25", "106.25");
        var explicitGross = await TaxedAsync(Engine.Row(category: "electronics", amount: "106.25", currency: "USD", country: "US", region: "US-TX", includesTax: "yes"));
        Assert.Equal(true, explicitGross.Value("price_includes_tax"));
        AssertAmounts(explicitGross, "100.00", "6.25", "106.25");
    }

    [Fact]
    public async Task Rejects_a_row_without_a_matching_rule()
    {
        var (result, sink) = await Engine.RowAsync(Engine.Row(category: "electronics", currency: "USD", country: "US"));
        var error = Assert.Single(Assert.Single(sink.Rejected).Errors);
        Assert.Equal("no-tax-rule", error.Code);
        Assert.Contains("no tax rule for country US, region (none), category electronics on 2024-03-01", error.Message);
        Assert.Equal(1, result.RejectReasons["no-tax-rule"]);
    }

    [Fact]
    public async Task Rejects_a_row_dated_before_any_rule()
    {
        var (_, sink) = await Engine.RowAsync(Engine.Row(timestamp: "2006-12-31"));
        Assert.Equal("no-tax-rule", Assert.Single(Assert.Single(sink.Rejected).Errors).Code);
    }

    [Fact]
    public void Most_specific_rule_wins_at_every_level()
    {
        var rules = TaxRuleSet.Load(new MemoryStream(Encoding.UTF8.GetBytes("""
            rule_id,country,region,category,rate,price_includes_tax,valid_from,valid_to,note
            C,US,,,0.01,false,2000-01-01,,country
            K,US,,books,0.02,false,2000-01-01,,category
            R,US,US-CA,,0.03,false,2000-01-01,,region
            RK,US,US-CA,books,0.04,false,2000-01-01,,region and category
            """)), "test");
        var day = new DateOnly(2024, 1, 1);
        Assert.Equal("RK", rules.Find("US", "US-CA", "books", day)!.RuleId);
        Assert.Equal("R", rules.Find("US", "US-CA", "fuel", day)!.RuleId);
        Assert.Equal("K", rules.Find("US", "US-NY", "books", day)!.RuleId);
        Assert.Equal("K", rules.Find("US", null, "books", day)!.RuleId);
        Assert.Equal("C", rules.Find("US", "US-NY", "fuel", day)!.RuleId);
        Assert.Null(rules.Find("US", null, "books", new DateOnly(1999, 12, 31)));
    }

    [Fact]
    public void Ships_the_default_rules_as_seed_data()
    {
        var rules = TaxRuleSet.Default.Rules;
        Assert.Equal(File.ReadAllLines(Path.Combine(RepoRoot.Path, "src", "TransactionEtl.Core", "Reference", "tax_rates.csv")).Length - 1, rules.Count);
        var de2020 = rules.Single(r => r.RuleId == "DE-STD-2020");
        Assert.Equal(new TaxRule("DE-STD-2020", "DE", null, null, 0.16m, true, new DateOnly(2020, 7, 1), new DateOnly(2021, 1, 1), "Germany temporary cut Jul-Dec 2020"), de2020);
        Assert.Same(TaxRuleSet.Default, Contract.Default.TaxRules);
    }

    [Theory]
    [InlineData("X,DE,,,0.19,true,2020-01-01,2021-01-01,a\nY,DE,,,0.16,true,2020-07-01,,b", "overlapping")]
    [InlineData("X,DE,,,1.19,true,2020-01-01,,a", "line 2, column rate")]
    [InlineData("X,DE,,,0.19,maybe,2020-01-01,,a", "line 2, column price_includes_tax")]
    [InlineData("X,ZZ,,,0.19,true,2020-01-01,,a", "line 2, column country")]
    [InlineData("X,DE,US-CA,,0.19,true,2020-01-01,,a", "line 2, column region")]
    [InlineData("X,DE,,,0.19,true,2020-01-01,2019-01-01,a", "must be after valid_from")]
    [InlineData("X,DE,,,0.19,true,2020-01-01,,a\nX,FR,,,0.2,true,2020-01-01,,b", "appears twice")]
    public void Refuses_rule_files_with_mistakes(string rows, string expected)
    {
        var e = Assert.Throws<ContractException>(() => TaxRuleSet.Load(
            new MemoryStream(Encoding.UTF8.GetBytes("rule_id,country,region,category,rate,price_includes_tax,valid_from,valid_to,note\n" + rows + "\n")), "rules.csv"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("rules.csv: ", e.Message);
    }
}
