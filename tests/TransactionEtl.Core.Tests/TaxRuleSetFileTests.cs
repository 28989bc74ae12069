using System.Text;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// Reading a tax rule file cell by cell (trimming, case, optional cells, every limit and the message naming the
/// line and column), the consistency checks across rules, and the lookup's boundaries.
/// </summary>
public class TaxRuleSetFileTests
{
    private const string Header = "rule_id,country,region,category,rate,price_includes_tax,valid_from,valid_to,note";

    private static TaxRuleSet Load(string text) => TaxRuleSet.Load(new MemoryStream(Encoding.UTF8.GetBytes(text)), "rules.csv");

    private static string Refused(string text) => Assert.Throws<ContractException>(() => Load(text)).Message;

    [Fact]
    public void Reads_a_rule_with_its_cells_trimmed_and_its_codes_in_canonical_case()
    {
        var rules = Load(" Rule_ID , COUNTRY,Region ,category,RATE,Price_Includes_Tax,valid_from,valid_to,Note\n"
            + " R1 , de , de-by , Books , 0.07 , YES , 2020-01-01 , 2021-01-01 ,  reduced rate \n");
        Assert.Equal("rules.csv", rules.Source);
        Assert.Equal(
            new TaxRule("R1", "DE", "DE-BY", "books", 0.07m, true, new DateOnly(2020, 1, 1), new DateOnly(2021, 1, 1), "reduced rate"),
            Assert.Single(rules.Rules));
    }

    [Fact]
    public void Empty_optional_cells_mean_every_region_every_category_and_open_ended()
    {
        var rule = Assert.Single(Load(Header + "\nR1,FR,,,0.2,false,2020-01-01,,\n").Rules);
        Assert.Equal(new TaxRule("R1", "FR", null, null, 0.2m, false, new DateOnly(2020, 1, 1), null, ""), rule);
    }

    [Fact]
    public void Keeps_the_rules_in_file_order()
    {
        var rules = Load(Header + "\nB,FR,,,0.2,n,2020-01-01,,\nA,DE,,books,0.07,y,2020-01-01,,\nC,DE,,,0.19,1,2020-01-01,,\n");
        Assert.Equal(["B", "A", "C"], rules.Rules.Select(r => r.RuleId));
        Assert.Equal([false, true, true], rules.Rules.Select(r => r.PriceIncludesTax));
    }

    [Fact]
    public void A_header_alone_is_an_empty_rule_set()
    {
        var rules = Load(Header + "\n");
        Assert.Empty(rules.Rules);
        Assert.Null(rules.Find("DE", null, null, new DateOnly(2024, 1, 1)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData(" \r\n  \n")]
    public void Refuses_a_file_without_a_header(string text) =>
        Assert.Equal("rules.csv: the file is empty; expected a header " + Header, Refused(text));

    [Theory]
    [InlineData("rule_id,country,region,category,rate,price_includes_tax,valid_from,valid_to")]
    [InlineData("rule_id,country,region,category,rate,price_includes_tax,valid_from,valid_to,note,extra")]
    [InlineData("country,rule_id,region,category,rate,price_includes_tax,valid_from,valid_to,note")]
    [InlineData("id,country,region,category,rate,price_includes_tax,valid_from,valid_to,note")]
    public void Refuses_a_header_that_is_not_exactly_the_nine_columns(string header) =>
        Assert.Equal($"rules.csv: line 1: the header is '{header}'; expected exactly '{Header}'", Refused(header + "\n"));

    [Fact]
    public void Blank_lines_are_skipped_and_still_counted_in_line_numbers()
    {
        var rules = Load("\n" + Header + "\n\nR1,DE,,,0.19,true,2020-01-01,,\n  \nR2,FR,,,0.2,true,2020-01-01,,\n\n");
        Assert.Equal(["R1", "R2"], rules.Rules.Select(r => r.RuleId));
        Assert.StartsWith("rules.csv: line 7, column country:", Refused("\n" + Header + "\n\nR1,DE,,,0.19,true,2020-01-01,,\n\n\nR2,XX,,,0.2,true,2020-01-01,,\n"));
    }

    [Fact]
    public void A_quoted_note_over_two_lines_moves_the_next_line_number()
    {
        var rules = Load(Header + "\r\nR1,DE,,,0.19,true,2020-01-01,,\"first\r\nsecond\"\r\nR2,FR,,,0.2,true,2020-01-01,,\r\n");
        Assert.Equal("first\r\nsecond", rules.Rules[0].Note);
        Assert.StartsWith("rules.csv: line 4, column rate:", Refused(Header + "\nR1,DE,,,0.19,true,2020-01-01,,\"first\nsecond\"\nR2,FR,,,x,true,2020-01-01,,\n"));
    }

    [Theory]
    [InlineData("R1,DE,,,0.19,true,2020-01-01,", 8)]
    [InlineData("R1,DE,,,0.19,true,2020-01-01,,note,extra", 10)]
    [InlineData("R1", 1)]
    public void Refuses_a_row_without_nine_cells(string row, int cells) =>
        Assert.Equal($"rules.csv: line 2: {cells} cells; expected 9 ({Header})", Refused(Header + "\n" + row + "\n"));

    [Fact]
    public void Rule_ids_have_1_to_64_characters()
    {
        string longest = new('r', 64);
        Assert.Equal(longest, Assert.Single(Load($"{Header}\n{longest},DE,,,0.19,true,2020-01-01,,\n").Rules).RuleId);
        Assert.Equal($"rules.csv: line 2, column rule_id: rule_id '{longest}r' must be 1-64 characters",
            Refused($"{Header}\n{longest}r,DE,,,0.19,true,2020-01-01,,\n"));
        Assert.Equal("rules.csv: line 2, column rule_id: rule_id '' must be 1-64 characters", Refused($"{Header}\n  ,DE,,,0.19,true,2020-01-01,,\n"));
    }

    [Fact]
    public void Names_the_country_that_is_not_a_code()
    {
        Assert.Equal("rules.csv: line 2, column country: 'ZZ' is not an ISO 3166-1 alpha-2 code such as DE",
            Refused($"{Header}\nR1,zz,,,0.19,true,2020-01-01,,\n"));
        Assert.Equal("rules.csv: line 2, column country: '' is not an ISO 3166-1 alpha-2 code such as DE",
            Refused($"{Header}\nR1,,,,0.19,true,2020-01-01,,\n"));
    }

    [Theory]
    [InlineData("US-CA")]
    [InlineData("DEBY")]
    [InlineData("DE")]
    [InlineData("XDE-BY")]
    public void Refuses_a_region_outside_the_rules_country(string region) =>
        Assert.Equal($"rules.csv: line 2, column region: region '{region}' must be an ISO 3166-2 code starting with 'DE-', e.g. DE-XX",
            Refused($"{Header}\nR1,DE,{region},,0.19,true,2020-01-01,,\n"));

    [Theory]
    [InlineData("0", "0")]
    [InlineData("1", "1")]
    [InlineData("1.000", "1.000")]
    [InlineData("0.000001", "0.000001")]
    [InlineData(".5", "0.5")]
    public void Accepts_rates_from_0_to_1(string text, string rate) =>
        Assert.Equal(decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture),
            Assert.Single(Load($"{Header}\nR1,DE,,,{text},true,2020-01-01,,\n").Rules).Rate);

    [Theory]
    [InlineData("1.0000001")]
    [InlineData("2")]
    [InlineData("-0.1")]
    [InlineData("+0.1")]
    [InlineData("19%")]
    [InlineData("1e-1")]
    [InlineData("0.1.9")]
    [InlineData("")]
    public void Refuses_rates_that_are_not_a_fraction_between_0_and_1(string rate) =>
        Assert.Equal($"rules.csv: line 2, column rate: rate '{rate}' must be a fraction between 0 and 1 such as 0.19",
            Refused($"{Header}\nR1,DE,,,{rate},true,2020-01-01,,\n"));

    [Fact]
    public void Names_the_price_includes_tax_cell_that_is_not_a_boolean() =>
        Assert.Equal("rules.csv: line 2, column price_includes_tax: '' is not a boolean; expected true or false",
            Refused($"{Header}\nR1,DE,,,0.19,,2020-01-01,,\n"));

    [Theory]
    [InlineData("")]
    [InlineData("2020-13-01")]
    [InlineData("01.01.2020")]
    [InlineData("2020-1-1")]
    public void Refuses_a_valid_from_that_is_not_a_date(string from) =>
        Assert.Equal($"rules.csv: line 2, column valid_from: valid_from '{from}' is not a date YYYY-MM-DD",
            Refused($"{Header}\nR1,DE,,,0.19,true,{from},,\n"));

    [Theory]
    [InlineData("2021-02-30")]
    [InlineData("2021/01/01")]
    public void Refuses_a_valid_to_that_is_not_a_date(string to) =>
        Assert.Equal($"rules.csv: line 2, column valid_to: valid_to '{to}' is not a date YYYY-MM-DD (or empty for open-ended)",
            Refused($"{Header}\nR1,DE,,,0.19,true,2020-01-01,{to},\n"));

    [Fact]
    public void Valid_to_is_exclusive_so_it_must_come_after_valid_from()
    {
        Assert.Equal("rules.csv: line 2, column valid_to: valid_to 2020-01-01 must be after valid_from 2020-01-01 (valid_to is exclusive)",
            Refused($"{Header}\nR1,DE,,,0.19,true,2020-01-01,2020-01-01,\n"));
        var oneDay = Assert.Single(Load($"{Header}\nR1,DE,,,0.19,true,2020-01-01,2020-01-02,\n").Rules);
        Assert.True(oneDay.IsValidOn(new DateOnly(2020, 1, 1)));
        Assert.False(oneDay.IsValidOn(new DateOnly(2020, 1, 2)));
        Assert.False(oneDay.IsValidOn(new DateOnly(2019, 12, 31)));
    }

    [Fact]
    public void Refuses_bytes_that_are_not_utf8()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(Header + "\nR1,DE,,,0.19,true,2020-01-01,,caf"), 0xE9, (byte)'\n'];
        var e = Assert.Throws<ContractException>(() => TaxRuleSet.Load(new MemoryStream(bytes), "rules.csv"));
        Assert.StartsWith("rules.csv: not a readable UTF-8 CSV file: ", e.Message);
    }

    [Fact]
    public void A_rule_may_start_on_the_day_the_previous_one_of_its_scope_ends()
    {
        var rules = Load($"{Header}\nNEW,DE,,,0.19,true,2021-01-01,,\nOLD,DE,,,0.16,true,2020-07-01,2021-01-01,\n");
        Assert.Equal("OLD", rules.Find("DE", null, null, new DateOnly(2020, 12, 31))!.RuleId);
        Assert.Equal("NEW", rules.Find("DE", null, null, new DateOnly(2021, 1, 1))!.RuleId);
        Assert.Null(rules.Find("DE", null, null, new DateOnly(2020, 6, 30)));
    }

    [Theory]
    // One day of overlap, in either file order.
    [InlineData("A,DE,,,0.16,true,2020-07-01,2021-01-02,", "B,DE,,,0.19,true,2021-01-01,,", "A", "B")]
    [InlineData("B,DE,,,0.19,true,2021-01-01,,", "A,DE,,,0.16,true,2020-07-01,2021-01-02,", "A", "B")]
    // An open-ended rule overlaps every later rule of its scope.
    [InlineData("A,DE,,books,0.07,true,2020-01-01,,", "B,DE,,books,0.05,true,2030-01-01,2031-01-01,", "A", "B")]
    [InlineData("A,DE,DE-BY,,0.1,true,2020-01-01,,", "B,DE,DE-BY,,0.2,true,2020-01-01,,", "A", "B")]
    public void Refuses_two_rules_of_one_scope_on_overlapping_dates(string first, string second, string earlier, string later) =>
        Assert.Equal(
            $"rules.csv: rules '{earlier}' and '{later}' apply to the same country/region/category on overlapping dates; end the first (valid_to) before the second starts",
            Refused($"{Header}\n{first}\n{second}\n"));

    [Fact]
    public void Rules_of_different_scopes_may_overlap()
    {
        var rules = Load($"{Header}\nC,DE,,,0.19,true,2020-01-01,,\nK,DE,,books,0.07,true,2020-01-01,,\nR,DE,DE-BY,,0.1,true,2020-01-01,,\nF,FR,,,0.2,true,2020-01-01,,\n");
        Assert.Equal(4, rules.Rules.Count);
    }

    [Fact]
    public void Refuses_a_rule_id_used_twice() =>
        Assert.Equal("rules.csv: rule_id 'X' appears twice; rule ids must be unique",
            Refused($"{Header}\nX,DE,,,0.19,true,2020-01-01,,\nY,FR,,,0.2,true,2020-01-01,,\nX,FR,,books,0.05,true,2020-01-01,,\n"));

    [Fact]
    public void Loads_from_a_file_and_names_it_in_errors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"txetl-rules-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, $"{Header}\nR1,DE,,,0.19,true,2020-01-01,,\n");
            var rules = TaxRuleSet.Load(path);
            Assert.Equal(path, rules.Source);
            Assert.Equal("R1", Assert.Single(rules.Rules).RuleId);

            File.WriteAllText(path, $"{Header}\nR1,DE,,,5,true,2020-01-01,,\n");
            Assert.StartsWith($"{path}: line 2, column rate:", Assert.Throws<ContractException>(() => TaxRuleSet.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Leaves_the_callers_stream_open()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes($"{Header}\nR1,DE,,,0.19,true,2020-01-01,,\n"));
        Assert.Single(TaxRuleSet.Load(stream, "rules.csv").Rules);
        Assert.True(stream.CanRead);
    }

    [Fact]
    public void Refuses_a_missing_stream_or_source()
    {
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => TaxRuleSet.Load(null!, "rules.csv")).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => TaxRuleSet.Load(new MemoryStream(), null!)).ParamName);
    }

    [Fact]
    public void Names_the_built_in_rules_as_their_source()
    {
        Assert.Equal("built-in tax_rates.csv", TaxRuleSet.Default.Source);
        Assert.Equal(Header.Split(','), TaxRuleSet.Columns);
    }

    [Fact]
    public void Find_matches_country_region_and_category_exactly()
    {
        var rules = Load($"{Header}\nR,US,US-CA,,0.0725,false,2020-01-01,,\nK,US,US-CA,groceries,0,false,2020-01-01,,\n");
        var day = new DateOnly(2024, 1, 1);
        Assert.Null(rules.Find("FR", null, null, day));
        Assert.Null(rules.Find("us", "US-CA", null, day));
        Assert.Null(rules.Find("US", null, null, day));
        Assert.Null(rules.Find("US", "US-NY", "groceries", day));
        Assert.Null(rules.Find("US", "us-ca", null, day));
        Assert.Equal("R", rules.Find("US", "US-CA", null, day)!.RuleId);
        Assert.Equal("R", rules.Find("US", "US-CA", "Groceries", day)!.RuleId);
        Assert.Equal("K", rules.Find("US", "US-CA", "groceries", day)!.RuleId);
        Assert.Null(rules.Find("US", "US-CA", "groceries", new DateOnly(2019, 12, 31)));
        Assert.Equal("K", rules.Find("US", "US-CA", "groceries", new DateOnly(2020, 1, 1))!.RuleId);
    }

    [Fact]
    public void Find_falls_back_to_a_less_specific_rule_when_the_specific_one_is_not_in_force()
    {
        var rules = Load($"{Header}\nC,DE,,,0.19,true,2020-01-01,,\nK,DE,,books,0.07,true,2022-01-01,2023-01-01,\n");
        Assert.Equal("C", rules.Find("DE", null, "books", new DateOnly(2021, 12, 31))!.RuleId);
        Assert.Equal("K", rules.Find("DE", null, "books", new DateOnly(2022, 6, 1))!.RuleId);
        Assert.Equal("C", rules.Find("DE", null, "books", new DateOnly(2023, 1, 1))!.RuleId);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_skipped_as_in_data_files()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Header + "\nR1,FR,,,0.2,false,2020-01-01,,\n")).ToArray();

        var rule = Assert.Single(TaxRuleSet.Load(new MemoryStream(bytes), "rules.csv").Rules);

        Assert.Equal("R1", rule.RuleId);
    }

    [Fact]
    public void A_utf16_file_is_refused_as_not_utf8()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Header + "\nR1,FR,,,0.2,false,2020-01-01,,\n")).ToArray();

        var message = Assert.Throws<ContractException>(() => TaxRuleSet.Load(new MemoryStream(bytes), "rules.csv")).Message;

        Assert.Contains("not a readable UTF-8 CSV file", message);
    }
}
