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
}
