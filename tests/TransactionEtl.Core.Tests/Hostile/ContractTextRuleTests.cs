namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>Regression tests for the default contract's text rules, tightened after the hostile corpus showed the gaps.</summary>
public class ContractTextRuleTests
{
    [Theory]
    [InlineData("Sh\0op")]
    [InlineData("Shop\u0007bell")]
    [InlineData("Shop \u202Eelgoog\u202C")]
    [InlineData("\u2067Shop\u2069")]
    [InlineData("Shop\u200F")]
    public async Task Rejects_a_merchant_with_a_NUL_control_or_bidirectional_control_character(string merchant)
    {
        // PostgreSQL text cannot hold NUL, so such a merchant used to pass validation and then break the load;
        // bidi controls make a stored name display differently from its bytes (Trojan Source, CVE-2021-42574).
        var (_, sink) = await Engine.RowAsync(Engine.Row(merchant: merchant));
        var error = Assert.Single(Assert.Single(sink.Rejected).Errors);
        Assert.Equal(("merchant", FileErrorCodes.ConstraintError), (error.Column, error.Code));
        Assert.Contains("bidirectional-text controls", error.Message);
    }

    [Theory]
    [InlineData("ACC-\u202E1")]
    [InlineData("\u200FACC")]
    [InlineData("ACC\u2066")]
    [InlineData("ACC\u200B-1")]
    [InlineData("ACC-1\u200D")]
    [InlineData("\u00ADACC")]
    public async Task Rejects_an_account_id_with_a_bidirectional_control_or_invisible_format_character(string account)
    {
        var (_, sink) = await Engine.RowAsync(Engine.Row(account: account));
        var error = Assert.Single(Assert.Single(sink.Rejected).Errors);
        Assert.Equal(("account_id", FileErrorCodes.ConstraintError), (error.Column, error.Code));
    }

    [Theory]
    [InlineData("Tab\there", "Tab here")]
    [InlineData("\u05D7\u05E0\u05D5\u05EA Shop", "\u05D7\u05E0\u05D5\u05EA Shop")]
    [InlineData("\U0001F468\u200D\U0001F469\u200D\U0001F467 Family", "\U0001F468\u200D\U0001F469\u200D\U0001F467 Family")]
    [InlineData("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645", "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645")]
    public async Task Keeps_right_to_left_text_joiners_and_tabs_in_a_merchant(string merchant, string stored)
    {
        var (_, sink) = await Engine.RowAsync(Engine.Row(merchant: merchant));
        Assert.Equal(stored, Assert.Single(sink.Valid).Value("merchant"));
    }
}
