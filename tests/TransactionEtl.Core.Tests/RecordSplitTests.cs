namespace TransactionEtl.Core.Tests;

/// <summary>
/// The engine slices a record without quotes at its delimiters (RecordFields) and asks the CSV reader only for the
/// last cell, and for every cell of a record with quotes: each column must get the same cell either way.
/// </summary>
public class RecordSplitTests
{
    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Every_column_gets_the_cell_the_reader_gives_when_every_cell_is_quoted(string lineBreak)
    {
        string[] rows =
        [
            Engine.Row(id: "A", merchant: "Corner shop", amount: "12.50", region: "DE-BY", includesTax: "true"),
            Engine.Row(id: "B", merchant: "Kiosk", amount: "3.10", region: "DE-BE"),
            Engine.Row(id: "C", account: "", amount: "0.01", includesTax: "false"),
        ];
        // Quoted, a record is never split: the reader forms each cell. Its values must be those of the split record.
        string Quoted(string row) => string.Join(',', row.Split(',').Select(cell => "\"" + cell + "\""));
        string text = Engine.Header + lineBreak + string.Join(lineBreak, rows) + lineBreak;
        string quoted = Engine.Header + lineBreak + string.Join(lineBreak, rows.Select(Quoted)) + lineBreak;
        var (split, splitSink) = await Engine.RunAsync(text);
        var (reader, readerSink) = await Engine.RunAsync(quoted);
        Assert.Equal(reader.RowsValid, split.RowsValid);
        Assert.Equal(2, split.RowsValid);
        Assert.Equal(readerSink.Valid.Select(v => v.Values), splitSink.Valid.Select(v => v.Values));
        Assert.Equal(rows[..2], splitSink.Valid.Select(v => v.Raw));
        Assert.Equal("Corner shop", splitSink.Valid[0].Value("merchant"));
        Assert.Equal(
            readerSink.Rejected.Single().Errors.Select(e => (e.Column, e.Code, e.Message)),
            splitSink.Rejected.Single().Errors.Select(e => (e.Column, e.Code, e.Message)));
    }

    [Fact]
    public async Task A_long_row_names_its_bad_cells_and_its_first_extra_cell()
    {
        var (_, sink) = await Engine.RowAsync(Engine.Row(amount: "ten", currency: "EURO") + ",x,y");
        var errors = Assert.Single(sink.Rejected).Errors;
        Assert.Contains(errors, e => e.Column == "amount" && e.Value == "ten");
        Assert.Contains(errors, e => e.Column == "currency" && e.Value == "EURO");
        Assert.Contains(errors, e => e.Code == "extra-cell" && e.Value == "x");
    }

    [Fact]
    public async Task A_short_row_keeps_its_last_cell_and_marks_the_missing_ones()
    {
        string row = string.Join(',', Engine.Row(amount: "ten").Split(',')[..8]);
        var (_, sink) = await Engine.RowAsync(row);
        var errors = Assert.Single(sink.Rejected).Errors;
        Assert.Contains(errors, e => e.Column == "amount" && e.Value == "ten");
        Assert.Equal(["region", "price_includes_tax"], errors.Where(e => e.Code == "missing-cell").Select(e => e.Column));
        Assert.DoesNotContain(errors, e => e.Column == "country");
    }

    [Fact]
    public async Task Line_numbers_count_each_line_break_once_for_split_and_unsplit_records()
    {
        string multiLine = Engine.Row(id: "B", merchant: "\"Two\nlines\"");
        string text = Engine.Header + "\n" + Engine.Row(id: "A") + "\r\n" + multiLine + "\n" + Engine.Row(id: "C") + "\r\n\n"
            + Engine.Row(id: "D", amount: "bad") + "\n" + Engine.Row(id: "E", amount: "bad");
        var (result, sink) = await Engine.RunAsync(text);
        Assert.Equal([2L, 3L, 5L], sink.Valid.Select(v => v.Line));
        Assert.Equal(1, result.BlankLines);
        Assert.Equal([7L, 8L], sink.Rejected.Select(r => r.Line));
    }
}
