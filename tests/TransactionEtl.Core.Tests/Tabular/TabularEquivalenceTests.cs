using TransactionEtl.Core.Tests;

namespace TransactionEtl.Core.Tests.Tabular;

/// <summary>
/// Held-out-style rows (valid rows in 0-, 2- and 3-decimal currencies, refunds, quoted merchants, and rows broken
/// the ways feeds break) give the same valid rows, rejects and counts as CSV, .xlsx and .parquet.
/// </summary>
public sealed class TabularEquivalenceTests
{
    private static readonly string[] Header = Engine.Header.Split(',');

    internal static readonly string[][] Rows =
    [
        ["TX-1", "2024-03-01T10:00:00Z", "ACC-1", "Shop", "groceries", "0.1", "EUR", "DE", "", "no"],
        ["TX-2", "2024-03-01T10:00:01Z", "ACC-1", "Shop", "groceries", "0.2", "EUR", "DE", "", "no"],
        ["TX-3", "2024-03-02", "ACC-2", "Lawson", "groceries", "11192", "JPY", "JP", "", "no"],
        ["TX-4", "2023-10-24T08:15:30.25Z", "ACC-3", "Jazeera Airways", "travel", "188.933", "KWD", "KW", "", "no"],
        ["TX-5", "2024-01-05", "ACC-4", "Joe's Diner, Austin", "restaurants", "19.99", "USD", "US", "US-TX", "no"],
        ["TX-6", "2024-01-06T12:00:00Z", "ACC-5", "Boulangerie \"Chez Paul\"", "groceries", "-4.5", "EUR", "FR", "", ""],
        ["TX-7", "2024-01-07", "ACC-6", "Lawson", "groceries", "11192.5", "JPY", "JP", "", ""],
        ["TX-8", "2024-01-08", "ACC-7", "X-cite", "electronics", "1.2345", "KWD", "KW", "", ""],
        ["TX-9", "2024-02-30", "ACC-8", "Tesco", "groceries", "3.10", "GBP", "GB", "", ""],
        ["TX-10", "2024-01-10", "ACC-9", "Tesco", "groceries", "12,50", "GBP", "GB", "", ""],
        ["TX-1", "2024-01-11", "ACC-1", "Shop", "groceries", "1", "EUR", "DE", "", ""],
        ["TX-11", "", "", "", "", "", "", "", "", ""],
        ["TX-12", "2024-01-12", "", "Coop", "toys", "7", "XXX", "CH", "", "maybe"],
        ["TX-13", "2024-01-13T23:59:59Z", "ACC-10", "Migros", "groceries", "0.30", "CHF", "CH", "", "1"],
        ["TX-14", "2024-01-14", "ACC-11", "Best Buy", "electronics", "1633.21", "USD", "US", "US-CA", ""],
    ];

    [Fact]
    public async Task Csv_xlsx_and_parquet_give_the_same_rows_rejects_and_counts()
    {
        var (csv, csvSink) = await Engine.RunAsync(TabularFiles.Csv(Header, Rows));
        var (xlsx, xlsxSink) = await Engine.RunAsync(TabularFiles.Xlsx(Header, Rows));
        var (parquet, parquetSink) = await Engine.RunAsync(TabularFiles.Parquet(Header, Rows));

        Assert.Null(csv.ErrorMessage);
        Assert.True(csv.RowsValid >= 7 && csv.RowsRejected >= 5, $"valid {csv.RowsValid}, rejected {csv.RowsRejected}");
        foreach (var (result, sink, lineShift) in new[] { (xlsx, xlsxSink, 0), (parquet, parquetSink, 1) })
        {
            Assert.Null(result.ErrorMessage);
            Assert.Equal((csv.RowsTotal, csv.RowsValid, csv.RowsRejected, csv.BlankLines), (result.RowsTotal, result.RowsValid, result.RowsRejected, result.BlankLines));
            Assert.Equal(csv.RejectReasons, result.RejectReasons);
            Assert.Equal(csv.Header, result.Header);
            // A Parquet row has no header line before it: its line is its 1-based index among the rows.
            Assert.Equal(csvSink.Valid.Select(v => (v.Line, v.Raw, v.Key)), sink.Valid.Select(v => (v.Line + lineShift, v.Raw, v.Key)));
            Assert.Equal(csvSink.Valid.Select(v => v.Values), sink.Valid.Select(v => v.Values));
            // Messages that cite a line (an in-file duplicate's first line) shift with it: compared for .xlsx only.
            bool messages = lineShift == 0;
            Assert.Equal(csvSink.Rejected.Select(r => Shape(r, messages)), sink.Rejected.Select(r => Shape(r with { Line = r.Line + lineShift }, messages)));
        }
    }

    [Fact]
    public async Task An_xlsx_sum_of_0_1_and_0_2_is_exactly_0_3_and_JPY_and_KWD_keep_their_scales()
    {
        var (_, sink) = await Engine.RunAsync(TabularFiles.Xlsx(Header, Rows));

        decimal sum = sink.Valid.Where(v => v.Key is "TX-1" or "TX-2").Sum(v => (decimal)v.Value("net_amount")!);
        Assert.Equal("0.3", sum.ToString(System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0'));
        Assert.Equal(11192m, (decimal)sink.Valid.Single(v => v.Key == "TX-3").Value("net_amount")!);
        Assert.Equal(188.933m, (decimal)sink.Valid.Single(v => v.Key == "TX-4").Value("net_amount")!);
        Assert.Contains(sink.Rejected, r => r.Line == 8 && r.RawRecord.Contains("11192.5") && r.Errors.Any(e => e.Column == "amount"));
        Assert.Contains(sink.Rejected, r => r.Line == 9 && r.RawRecord.Contains("1.2345") && r.Errors.Any(e => e.Column == "amount"));
    }

    private static (long, string, string) Shape(RejectedRow r, bool messages) =>
        (r.Line, r.RawRecord, string.Join("|", r.Errors.Select(e => $"{e.Column}:{e.Code}:{e.Value}:{(messages ? e.Message : "")}")));
}
