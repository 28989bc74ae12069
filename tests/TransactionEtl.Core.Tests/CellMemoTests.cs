using System.Text;
using TransactionEtl.Core.Internal;
using TransactionEtl.Core.Samples;

namespace TransactionEtl.Core.Tests;

/// <summary>Remembering valid cells must never change an outcome: a row gives the same result alone as in a file.</summary>
public class CellMemoTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Every_row_of_a_file_gives_the_result_it_gives_alone(int seed)
    {
        // Faulty rows repeat bad currencies, countries and categories; the extra rows repeat values that normalize alike.
        using var sample = new MemoryStream();
        await new SampleGenerator(new SampleOptions { Rows = 1500, Seed = seed, FaultRate = 0.3 }).WriteAsync(sample, CancellationToken.None);
        var extra = string.Concat(Enumerable.Range(0, 40).Select(i => "\n" + Engine.Row(
            id: $"MEMO-{i}", currency: (i % 4) switch { 0 => "eur", 1 => " EUR", 2 => "EUR", _ => "EUX" },
            country: i % 3 == 0 ? "de" : "DE", region: i % 5 == 0 ? "DE-BE" : i % 5 == 1 ? "FR-75" : "",
            category: i % 2 == 0 ? " Books " : "books", includesTax: i % 3 == 0 ? "yes" : "TRUE")));
        var text = Encoding.UTF8.GetString(sample.ToArray()).TrimEnd('\n') + extra + "\n";
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var (whole, sink) = await Engine.RunAsync(text, detectDuplicates: false);

        Assert.Equal(lines.Length - 1, whole.RowsTotal);
        Assert.True(whole.RowsRejected > 100, $"only {whole.RowsRejected} rejected rows: the test needs faults");
        int valid = 0, rejected = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            var (_, alone) = await Engine.RowAsync(lines[i]);
            if (alone.Valid.Count == 1)
            {
                var inFile = sink.Valid[valid++];
                Assert.Equal(alone.Valid[0].Raw, inFile.Raw);
                Assert.Equal(alone.Valid[0].Values, inFile.Values);
            }
            else
            {
                var inFile = sink.Rejected[rejected++];
                Assert.Equal(alone.Rejected[0].RawRecord, inFile.RawRecord);
                Assert.Equal(alone.Rejected[0].Errors, inFile.Errors);
            }
        }

        Assert.Equal((sink.Valid.Count, sink.Rejected.Count), (valid, rejected));
    }

    [Fact]
    public async Task A_repeated_invalid_value_is_checked_and_rejected_on_every_row()
    {
        var rows = Enumerable.Range(0, 5).Select(i => Engine.Row(id: $"T-{i}", currency: i % 2 == 0 ? "EUX" : "EUR"));

        var (result, sink) = await Engine.RunAsync(Engine.Header + "\n" + string.Join("\n", rows) + "\n");

        Assert.Equal((2L, 3L), (result.RowsValid, result.RowsRejected));
        Assert.All(sink.Rejected, r => Assert.Contains(r.Errors, e => e.Column == "currency" && e.Value == "EUX"));
    }

    [Fact]
    public void Stays_on_while_most_lookups_hit()
    {
        var memo = new CellMemo();
        memo.Add("EUR", "EUR");
        for (int i = 0; i < 3 * CellMemo.ProbeLookups; i++)
        {
            Assert.Equal(i % 3 != 0, memo.TryGet(i % 3 == 0 ? "USD" : "EUR", out _, out _));
        }

        Assert.True(memo.Enabled);
    }

    [Fact]
    public void Turns_itself_off_for_values_that_rarely_repeat_and_keeps_at_most_its_capacity()
    {
        var memo = new CellMemo();
        for (int i = 0; i < CellMemo.ProbeLookups - 1; i++)
        {
            var id = $"TX-{i}";
            Assert.False(memo.TryGet(id, out _, out _));
            memo.Add(id, id);
        }

        Assert.True(memo.Enabled);
        Assert.True(memo.TryGet($"TX-{CellMemo.Capacity - 1}", out var cell, out _));
        Assert.Equal($"TX-{CellMemo.Capacity - 1}", cell);
        Assert.False(memo.TryGet($"TX-{CellMemo.Capacity}", out _, out _));
        Assert.False(memo.Enabled);
    }

    [Fact]
    public void Returns_the_facts_remembered_with_a_value()
    {
        var memo = new CellMemo();
        TaxRule[] rules = [.. TaxRuleSet.Default.Rules.Where(r => r.Country == "DE")];
        memo.Add("EUR", "EUR", new CellFacts(2, null));
        memo.Add("de", "DE", new CellFacts(-1, rules));
        memo.Add("x", "X");

        Assert.True(memo.TryGet("EUR", out _, out _, out var eur));
        Assert.True(memo.TryGet("de", out var cell, out var typed, out var de));
        Assert.True(memo.TryGet("x", out _, out _, out var none));
        Assert.False(memo.TryGet("DE", out _, out _, out var missed));

        Assert.Equal((2, (TaxRule[]?)null), (eur.MinorUnit, eur.TaxRules));
        Assert.Equal(("de", "DE", -1), (cell, typed, de.MinorUnit));
        Assert.Same(rules, de.TaxRules);
        Assert.Equal(CellFacts.None, none);
        Assert.Equal(CellFacts.None, missed);
    }

    [Fact]
    public void Finds_every_remembered_text_and_only_those_among_many_alike()
    {
        // Texts that differ in one character, in length, or only past the first four characters.
        var texts = Enumerable.Range(0, CellMemo.Capacity).Select(i => (i % 3) switch
        {
            0 => $"ACC-{i:D6}",
            1 => new string('x', i % 40) + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => $"{i}",
        }).ToList();
        var memo = new CellMemo();
        foreach (var t in texts)
        {
            memo.Add(t, "typed " + t);
        }

        foreach (var t in texts)
        {
            Assert.True(memo.TryGet(t, out var cell, out var typed), t);
            Assert.Equal((t, "typed " + t), (cell, typed));
        }

        foreach (var other in new[] { "", "ACC-", "ACC-0000000", "ACC-000001 ", "x", "1024", "ACC-000000\0" })
        {
            Assert.False(memo.TryGet(other, out _, out _), other);
        }
    }

    [Fact]
    public void An_entry_index_reads_the_cell_typed_value_and_facts_that_were_added()
    {
        var memo = new CellMemo();
        memo.Add(" eur", "EUR", new CellFacts(2, null));
        memo.Add("", null);
        memo.Add("Jazeera Airways", "Jazeera Airways");

        int eur = memo.IndexOf(" eur");
        int empty = memo.IndexOf("");
        int airline = memo.IndexOf("Jazeera Airways");

        Assert.Equal((" eur", "EUR", 2), (memo.CellAt(eur), memo.TypedAt(eur), memo.FactsAt(eur).MinorUnit));
        Assert.Equal(("", null, -1), (memo.CellAt(empty), memo.TypedAt(empty), memo.FactsAt(empty).MinorUnit));
        Assert.Equal("Jazeera Airways", memo.CellAt(airline));
        Assert.Equal(-1, memo.IndexOf("Jazeera Airway"));
        Assert.Equal(-1, memo.IndexOf("EUR"));
    }

    [Fact]
    public void Adding_a_text_again_keeps_the_first_value()
    {
        var memo = new CellMemo();
        memo.Add("EUR", "first", new CellFacts(2, null));
        memo.Add("EUR", "second", new CellFacts(3, null));

        Assert.True(memo.TryGet("EUR", out _, out var typed, out var facts));
        Assert.Equal(("first", 2), (typed, facts.MinorUnit));
    }

    [Fact]
    public async Task Remembered_currencies_and_countries_give_each_row_its_own_minor_unit_and_tax_rule()
    {
        // JPY allows no decimals and EUR two; DE taxes travel at 19 %, FR at 20 %. Each value repeats, so all but the
        // first rows take their facts from the memo.
        var rows = Enumerable.Range(0, 16).Select(i => Engine.Row(
            id: $"T-{i}", category: "travel", amount: "119.00", currency: i % 2 == 0 ? "JPY" : "EUR", country: i % 4 == 1 ? "DE" : "FR"));

        var (result, sink) = await Engine.RunAsync(Engine.Header + "\n" + string.Join("\n", rows) + "\n");

        Assert.Equal((8L, 8L), (result.RowsValid, result.RowsRejected));
        Assert.All(sink.Rejected, r => Assert.Contains(r.Errors, e => e.Message == "amount '119.00' has 2 decimals; JPY allows at most 0"));
        Assert.All(sink.Valid, r => Assert.Equal(
            int.Parse(r.Key[2..], System.Globalization.CultureInfo.InvariantCulture) % 4 == 1
                ? ("DE-STD-2021", 19.00m, 100.00m)
                : ("FR-STD", 19.83m, 99.17m),
            ((string)r.Value("tax_rule_id")!, (decimal)r.Value("tax_amount")!, (decimal)r.Value("net_amount")!)));
    }

    [Fact]
    public void Tells_apart_texts_that_differ_in_one_character_anywhere_or_in_length()
    {
        // Up to eight characters a text is compared by its length and two words alone; past that the words and then
        // the characters. Each variant changes one position (to an ASCII, a Latin-1 and a wider character, or NUL).
        var memo = new CellMemo();
        var originals = Enumerable.Range(0, 20).Select(n => string.Concat(Enumerable.Range(0, n).Select(i => (char)('a' + i)))).ToList();
        foreach (var t in originals)
        {
            memo.Add(t, "typed " + t);
        }

        foreach (var t in originals)
        {
            Assert.True(memo.TryGet(t, out var cell, out var typed), t);
            Assert.Equal((t, "typed " + t), (cell, typed));
            for (int i = 0; i < t.Length; i++)
            {
                foreach (char c in new[] { 'Z', '\u00e9', '\u4e00', '\0' })
                {
                    var changed = string.Concat(t.AsSpan(0, i), c.ToString(), t.AsSpan(i + 1));
                    Assert.False(memo.TryGet(changed, out _, out _), $"{t} at {i}");
                }
            }
            Assert.False(memo.TryGet(t + "\0", out _, out _), t);
        }
    }

    [Fact]
    public void Remembers_the_empty_cell_like_any_other_and_keeps_its_first_value()
    {
        var memo = new CellMemo();
        Assert.False(memo.TryGet("", out _, out _));
        memo.Add("", null, new CellFacts(4, null));
        memo.Add("", "second");
        for (int i = 0; i < 40; i++)
        {
            memo.Add($"V{i}", $"v{i}"); // the slots grow and are placed again
        }

        Assert.True(memo.TryGet("", out var cell, out var typed, out var facts));
        Assert.Equal(("", (object?)null, 4), (cell, typed, facts.MinorUnit));
        Assert.True(memo.TryGet("V39", out _, out var v39));
        Assert.Equal("v39", v39);
    }

    [Fact]
    public void A_short_text_has_the_same_words_and_hash_on_the_inline_path()
    {
        // IndexOf finds a text of up to eight characters with OfWhole and Add places it with Of: they must agree.
        var random = new Random(19);
        for (int length = 1; length <= CellMemoKey.WholeChars; length++)
        {
            for (int i = 0; i < 200; i++)
            {
                var text = new string(Enumerable.Range(0, length).Select(_ => (char)random.Next(0x20, 0x3000)).ToArray());
                ulong hash = CellMemoKey.Of(text, out ulong head, out ulong tail);
                ulong whole = CellMemoKey.OfWhole(text, out ulong wholeHead, out ulong wholeTail);
                Assert.Equal((hash, head, tail), (whole, wholeHead, wholeTail));
            }
        }
    }
}
