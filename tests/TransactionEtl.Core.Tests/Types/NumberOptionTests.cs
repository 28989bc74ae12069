using System.Globalization;

namespace TransactionEtl.Core.Tests.Types;

/// <summary>
/// decimalChar, groupChar and bareNumber on number and integer fields. The cases are frictionless-py's own
/// (frictionless/fields/__spec__/test_number.py, test_integer.py), so that a contract reads a cell as it does.
/// </summary>
public class NumberOptionTests
{
    private const string BareFalse = "\"bareNumber\": false";

    [Theory]
    [InlineData("-12.3 €", "-12.3", BareFalse)]
    [InlineData("-12.3€", "-12.3", BareFalse)]
    [InlineData("€-12.3", "-12.3", BareFalse)]
    [InlineData("€ -12.3", "-12.3", BareFalse)]
    [InlineData("100%", "100", BareFalse)]
    [InlineData("1000‰", "1000", BareFalse)]
    [InlineData("$10000.00", "10000.00", BareFalse)]
    [InlineData("EUR 95", "95", BareFalse)]
    [InlineData("1,000", "1000", "\"groupChar\": \",\"")]
    [InlineData("10,000,000.50", "10000000.50", "\"groupChar\": \",\"")]
    [InlineData("10#000.00", "10000.00", "\"groupChar\": \"#\"")]
    [InlineData("10.50", "10.50", "\"groupChar\": \"#\"")]
    [InlineData("10#000@00", "10000.00", "\"groupChar\": \"#\", \"decimalChar\": \"@\"")]
    [InlineData("10@50", "10.50", "\"groupChar\": \"#\", \"decimalChar\": \"@\"")]
    [InlineData("10.000.000,00", "10000000.00", "\"groupChar\": \".\", \"decimalChar\": \",\"")]
    [InlineData("8.699,8", "8699.8", "\"groupChar\": \".\", \"decimalChar\": \",\"")]
    [InlineData("10 000 000,00", "10000000.00", "\"groupChar\": \" \", \"decimalChar\": \",\"")]
    [InlineData("  10,000.00 €", "10000.00", "\"groupChar\": \",\", " + BareFalse)]
    [InlineData("10000,00 ₪", "10000.00", "\"groupChar\": \" \", \"decimalChar\": \",\", " + BareFalse)]
    [InlineData("  10 000,00 £", "10000.00", "\"groupChar\": \" \", \"decimalChar\": \",\", " + BareFalse)]
    [InlineData("€ 1.234,56", "1234.56", "\"groupChar\": \".\", \"decimalChar\": \",\", " + BareFalse)]
    [InlineData("1234.", "1234", "\"decimalChar\": \",\", " + BareFalse)]
    [InlineData("12,5", "12.5", "\"decimalChar\": \",\"")]
    public async Task Reads_a_number_written_with_the_fields_options(string cell, string expected, string options)
    {
        var value = await OneField.ValueAsync($"\"type\": \"number\", {options}", cell);
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), value);
        // The scale as written survives: 10000.00 stays two decimals, for scaleFrom and for the stored numeric.
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture).Scale, ((decimal)value!).Scale);
    }

    [Theory]
    [InlineData("1.234", "\"decimalChar\": \",\"")] // frictionless-py issue 1005: a '.' with another decimal character
    [InlineData("1.234.", "\"decimalChar\": \",\", " + BareFalse)]
    [InlineData("10,000a.00", "\"groupChar\": \",\"")]
    [InlineData("10+000.00", "\"groupChar\": \",\"")]
    [InlineData("$10:000.00", "\"groupChar\": \",\", " + BareFalse)]
    [InlineData("€ 12", "\"groupChar\": \",\"")] // bareNumber defaults to true
    [InlineData("1,5", "\"groupChar\": \" \"")]
    [InlineData("12,5", "\"bareNumber\": true")]
    [InlineData("percent", BareFalse)]
    [InlineData("1e3", BareFalse)] // exponents stay refused (docs/contracts.md)
    public async Task Refuses_a_number_its_options_do_not_describe(string cell, string options)
    {
        var error = await OneField.ErrorAsync($"\"type\": \"number\", {options}", cell);
        Assert.Equal(FileErrorCodes.TypeError, error.Code);
        Assert.Contains("is not a valid number", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1,000", 1000L, "\"groupChar\": \",\"")] // the standard lists groupChar for integers; frictionless-py ignores it
    [InlineData("1.234.567", 1234567L, "\"groupChar\": \".\"")]
    [InlineData("12%", 12L, BareFalse)]
    [InlineData("-7 pcs", -7L, BareFalse)]
    [InlineData("€ 1.234", 1234L, "\"groupChar\": \".\", " + BareFalse)]
    public async Task Reads_an_integer_written_with_the_fields_options(string cell, long expected, string options) =>
        Assert.Equal(expected, await OneField.ValueAsync($"\"type\": \"integer\", {options}", cell));

    [Theory]
    [InlineData("1,5", "\"groupChar\": \".\"")]
    [InlineData("12.5", BareFalse)]
    [InlineData("€ 12", "\"groupChar\": \".\"")]
    public async Task Refuses_an_integer_its_options_do_not_describe(string cell, string options) =>
        Assert.Equal(FileErrorCodes.TypeError, (await OneField.ErrorAsync($"\"type\": \"integer\", {options}", cell)).Code);

    [Fact]
    public async Task The_type_error_names_the_options_in_its_hint()
    {
        var error = await OneField.ErrorAsync("\"type\": \"number\", \"decimalChar\": \",\", \"groupChar\": \".\"", "1,234,5");
        Assert.Contains("',' as decimal point and '.' between digit groups, e.g. -1.234,50", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"type\": \"integer\", \"decimalChar\": \",\"", "fields[0].decimalChar: applies only to number fields")]
    [InlineData("\"type\": \"string\", \"groupChar\": \",\"", "fields[0].groupChar: applies only to number and integer fields")]
    [InlineData("\"type\": \"date\", \"bareNumber\": false", "fields[0].bareNumber: applies only to number and integer fields")]
    [InlineData("\"type\": \"number\", \"groupChar\": \".\"", "fields[0].groupChar: '.' clashes with the decimal character '.'")]
    [InlineData("\"type\": \"number\", \"groupChar\": \",\", \"decimalChar\": \",\"", "fields[0].groupChar: ',' clashes")]
    [InlineData("\"type\": \"number\", \"decimalChar\": \"\"", "fields[0].decimalChar: '' cannot separate digits")]
    [InlineData("\"type\": \"number\", \"groupChar\": \"0\"", "fields[0].groupChar: '0' cannot separate digits")]
    [InlineData("\"type\": \"number\", \"decimalChar\": \"-\"", "fields[0].decimalChar: '-' cannot separate digits")]
    public void Refuses_options_that_cannot_apply_at_load(string properties, string message) =>
        Assert.Contains(message, OneField.Refused(properties).Message, StringComparison.Ordinal);

    [Fact]
    public async Task A_bound_may_be_written_like_the_data()
    {
        var contract = OneField.Contract("\"type\": \"number\", \"decimalChar\": \",\", \"groupChar\": \".\", \"constraints\": {\"minimum\": \"1.000,00\", \"maximum\": 5000}");
        Assert.Equal(1000m, (await OneField.ReadAsync(contract, "1.000,00")).Value);
        var (_, errors) = await OneField.ReadAsync(contract, "999,99");
        Assert.Contains("below the minimum 1000", Assert.Single(errors).Message, StringComparison.Ordinal);
        Assert.Contains("above the maximum 5000", Assert.Single((await OneField.ReadAsync(contract, "5.000,01")).Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12,50 €", true)]
    [InlineData("12,505 €", false)]
    [InlineData("1.000,5 €", true)]
    public async Task The_currency_scale_check_counts_the_decimals_after_the_decimal_character(string amount, bool accepted)
    {
        var contract = TransactionEtl.Core.Contract.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("""
            {"name": "t", "version": "1", "dialect": {"delimiter": ";"}, "fields": [
              {"name": "cur", "type": "string", "x-txetl": {"reference": "iso4217"}},
              {"name": "v", "type": "number", "decimalChar": ",", "groupChar": ".", "bareNumber": false, "x-txetl": {"scaleFrom": "cur"}}]}
            """)), "test.json", null);
        var (_, sink) = await Engine.RunAsync($"cur;v\nEUR;{amount}\n", contract);
        Assert.Equal(accepted ? 1 : 0, sink.Valid.Count);
        if (!accepted)
        {
            Assert.Contains("has 3 decimals; EUR allows at most 2", Assert.Single(sink.Rejected.Single().Errors).Message, StringComparison.Ordinal);
        }
    }
}
