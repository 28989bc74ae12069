using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// The validator remembers a row's tax rule per its country, region and category memo entries, for the days on which
/// the rule stays the answer (TaxRuleCache, issue 19). The days come from TaxRuleSet.Find; these tests check that every
/// day of the range has the same answer, and that rows on both sides of a rate change get their own rules.
/// </summary>
public class TaxRuleCacheTests
{
    private static readonly string?[] Regions = [null, "US-CA", "US-NY", "US-TX", "CA-ON", "CA-QC", "CA-AB", "DE-BY"];

    private static readonly string?[] Categories = [null, "groceries", "books", "restaurants", "electronics"];

    [ScaledProperty(2000)]
    public Property Every_day_of_the_range_has_the_rule_of_the_tax_date() =>
        Prop.ForAll(AnyLookup().ToArbitrary(), c =>
        {
            var candidates = TaxRuleSet.Default.CandidatesFor(c.Country);
            var rule = TaxRuleSet.Find(candidates, c.Region, c.Category, c.Date, out var from, out var to);
            Assert.Same(TaxRuleSet.Default.Find(c.Country, c.Region, c.Category, c.Date), rule);
            Assert.True(from <= c.Date && c.Date < to, $"{from} <= {c.Date} < {to}");
            var last = to == DateOnly.MaxValue ? to : to.AddDays(-1);
            foreach (var day in new[] { from, last, Between(from, last, c.Pick) })
            {
                Assert.Same(rule, TaxRuleSet.Find(candidates, c.Region, c.Category, day));
            }
            return true;
        });

    [Fact]
    public void A_range_ends_at_the_next_rate_change_and_starts_at_the_last()
    {
        var candidates = TaxRuleSet.Default.CandidatesFor("DE");
        var rule = TaxRuleSet.Find(candidates, null, "groceries", new DateOnly(2020, 9, 1), out var from, out var to);
        Assert.Equal("DE-RED-FOOD-2020", rule!.RuleId);
        Assert.Equal((new DateOnly(2020, 7, 1), new DateOnly(2021, 1, 1)), (from, to));

        rule = TaxRuleSet.Find(candidates, null, "books", new DateOnly(2019, 3, 1), out from, out to);
        Assert.Equal("DE-STD", rule!.RuleId); // books have their own rate only from 2021
        Assert.Equal((new DateOnly(2007, 1, 1), new DateOnly(2020, 7, 1)), (from, to));

        Assert.Null(TaxRuleSet.Find(candidates, null, null, new DateOnly(2006, 12, 31), out from, out to));
        Assert.Equal((DateOnly.MinValue, new DateOnly(2007, 1, 1)), (from, to));
    }

    [Fact]
    public void A_rule_that_ends_without_a_successor_ends_its_range()
    {
        var rules = TaxRuleSet.Load(new MemoryStream(Encoding.UTF8.GetBytes(
            string.Join(',', TaxRuleSet.Columns) + "\nA,DE,,,0.19,true,2020-01-01,2021-01-01,\nB,DE,,books,0.07,true,2022-01-01,,\n")), "rules.csv");
        var candidates = rules.CandidatesFor("DE");
        Assert.Equal("A", TaxRuleSet.Find(candidates, null, "books", new DateOnly(2020, 6, 1), out var from, out var to)!.RuleId);
        Assert.Equal((new DateOnly(2020, 1, 1), new DateOnly(2021, 1, 1)), (from, to));
        Assert.Null(TaxRuleSet.Find(candidates, null, "books", new DateOnly(2021, 6, 1), out from, out to));
        Assert.Equal((new DateOnly(2021, 1, 1), new DateOnly(2022, 1, 1)), (from, to));
        Assert.Equal("B", TaxRuleSet.Find(candidates, null, "books", new DateOnly(2023, 6, 1), out from, out to)!.RuleId);
        Assert.Equal((new DateOnly(2022, 1, 1), DateOnly.MaxValue), (from, to));
    }

    [Fact]
    public void A_key_keeps_a_slot_per_range_of_days()
    {
        var cache = new TaxRuleCache();
        var old = TaxRuleSet.Default.Rules.Single(r => r.RuleId == "CH-STD-2018");
        var current = TaxRuleSet.Default.Rules.Single(r => r.RuleId == "CH-STD");
        ulong key = TaxRuleCache.KeyOf(3, 0, 5);
        cache.Remember(key, old.ValidFrom, old.ValidTo!.Value, old);
        cache.Remember(key, current.ValidFrom, DateOnly.MaxValue, current);

        Assert.Same(old, cache.Find(key, new DateOnly(2023, 12, 31).DayNumber).Rule);
        Assert.Same(current, cache.Find(key, new DateOnly(2024, 1, 1).DayNumber).Rule);
        Assert.Equal(0.081m, cache.Find(key, new DateOnly(2024, 1, 1).DayNumber).Rate.Value);
        Assert.True(Misses(cache, key, new DateOnly(2017, 12, 31)));
        Assert.True(Misses(cache, TaxRuleCache.KeyOf(3, 1, 5), new DateOnly(2024, 1, 1)));
    }

    [Fact]
    public void Past_its_limit_a_key_is_answered_for_its_row_only()
    {
        var cache = new TaxRuleCache();
        var rule = TaxRuleSet.Default.Rules[0];
        for (int i = 0; i < TaxRuleCache.MaxKeys; i++)
        {
            cache.Remember(TaxRuleCache.KeyOf(i, 0, 0), rule.ValidFrom, rule.ValidTo!.Value, rule);
        }
        ulong extra = TaxRuleCache.KeyOf(0, 1, 0);
        Assert.Same(rule, cache.Remember(extra, rule.ValidFrom, rule.ValidTo!.Value, rule).Rule);
        Assert.True(Misses(cache, extra, rule.ValidFrom));
        for (int i = 0; i < TaxRuleCache.MaxKeys; i++)
        {
            Assert.Same(rule, cache.Find(TaxRuleCache.KeyOf(i, 0, 0), rule.ValidFrom.DayNumber).Rule);
        }
    }

    // Rows of one country, region and category on both sides of rate changes, in turns, with other keys between:
    // each row's rule is the one TaxRuleSet.Find gives for its own values and date.
    [Fact]
    public async Task Rows_in_turns_across_rate_changes_get_the_rule_of_their_own_date()
    {
        string[] dates = ["2023-12-31", "2024-01-01", "2017-06-30", "2019-09-30", "2019-10-01", "2020-06-30", "2020-07-01", "2021-01-01"];
        (string Country, string Currency, string Region)[] places = [("CH", "CHF", ""), ("DE", "EUR", ""), ("JP", "JPY", ""), ("US", "USD", "US-CA"), ("US", "USD", "")];
        string[] categories = ["groceries", "books", "electronics"];
        var text = new StringBuilder(Engine.Header + "\n");
        var expected = new List<string>();
        int n = 0;
        for (int round = 0; round < 3; round++)
        {
            foreach (var date in dates)
            {
                foreach (var (country, currency, region) in places)
                {
                    foreach (var category in categories)
                    {
                        var rule = TaxRuleSet.Default.Find(country, region.Length == 0 ? null : region, category, DateOnly.Parse(date, CultureInfo.InvariantCulture));
                        text.Append(Engine.Row(id: $"TX-{++n}", timestamp: date + "T23:30:00-05:00", category: category, amount: "100",
                            currency: currency, country: country, region: region)).Append('\n');
                        expected.Add(rule?.RuleId ?? "no-tax-rule");
                    }
                }
            }
        }
        var (_, sink) = await Engine.RunAsync(text.ToString());
        var found = sink.Valid.Select(r => (r.Line, Id: (string)r.Value("tax_rule_id")!))
            .Concat(sink.Rejected.Select(r => (r.Line, Id: Assert.Single(r.Errors).Code)))
            .OrderBy(r => r.Line).Select(r => r.Id).ToList();
        Assert.Equal(expected, found);
    }

    private static bool Misses(TaxRuleCache cache, ulong key, DateOnly day) =>
        System.Runtime.CompilerServices.Unsafe.IsNullRef(in cache.Find(key, day.DayNumber));

    private static DateOnly Between(DateOnly from, DateOnly last, int pick) =>
        DateOnly.FromDayNumber(from.DayNumber + (int)((uint)pick % (uint)(last.DayNumber - from.DayNumber + 1)));

    private sealed record Lookup(string Country, string? Region, string? Category, DateOnly Date, int Pick);

    private static Gen<Lookup> AnyLookup() =>
        from country in Gen.Elements("DE", "FR", "GB", "CH", "JP", "AU", "BH", "KW", "US", "CA", "IT")
        from region in Gen.Elements(Regions)
        from category in Gen.Elements(Categories)
        from day in Gen.Choose(new DateOnly(1985, 1, 1).DayNumber, new DateOnly(2035, 1, 1).DayNumber)
        from pick in Gen.Choose(0, int.MaxValue)
        select new Lookup(country, region, category, DateOnly.FromDayNumber(day), pick);
}
