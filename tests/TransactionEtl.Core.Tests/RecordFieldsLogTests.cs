using System.Text;
using Sylvan.Data.Csv;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// <see cref="RecordFields"/> fed by <see cref="FieldCountingReader"/>'s log, read as the engine reads: a record is
/// split exactly when its text has no quote, CR or LF and the reader's field count is its delimiters + 1, and then
/// every cell, the last one included, is the cell the CSV reader gives.
/// </summary>
public class RecordFieldsLogTests
{
    [Theory]
    [InlineData(128, 1)]
    [InlineData(200, 2)]
    [InlineData(4096, 3)]
    public async Task Splits_the_records_the_text_rule_splits_into_the_readers_cells(int bufferSize, int seed)
    {
        var random = new Random(seed);
        int split = 0;
        for (int n = 0; n < 300; n++)
        {
            split += await CompareAsync(RandomText(random), bufferSize);
        }
        // Most records are plain: the log must split them, or the comparison above proves nothing.
        Assert.True(split > 1_000, $"only {split} records split");
    }

    [Theory]
    [InlineData("h1,h2\r\na,b\r\n\r\nc,d")]
    [InlineData("a,b\rc,d\re,\"f\"\r")]
    [InlineData("\"a\nb\",c\nd,e\n,\n")]
    [InlineData("x\n\ny\n")]
    public async Task Splits_line_breaks_blank_lines_and_a_last_record_without_a_break_as_the_reader_does(string text)
    {
        Assert.True(await CompareAsync(text, 128) > 0);
    }

    private static string RandomText(Random random)
    {
        string[] pieces = ["a", "bb", "ccc", ",", ",", ",", "\"", "\r", "\n", "\r\n", "\n", "0123456789012345678901234567890"];
        var text = new StringBuilder();
        int length = random.Next(0, 60);
        for (int i = 0; i < length; i++)
        {
            // Mostly plain records of a few cells; now and then a quote or a stray line break.
            text.Append(random.Next(8) == 0 ? pieces[random.Next(pieces.Length)] : pieces[random.Next(6)]);
            if (random.Next(6) == 0)
            {
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>Reads <paramref name="text"/> as the engine does and checks every record; returns how many were split.</summary>
    private static async Task<int> CompareAsync(string text, int bufferSize)
    {
        var fields = new RecordFields(',', '"');
        using var counter = new FieldCountingReader(new StringReader(text), ',', '"', 100_000, fields);
        var options = new CsvDataReaderOptions
        {
            HasHeaders = false, Delimiter = ',', Quote = '"', Escape = '"', Comment = '\uDFFF',
            ResultSetMode = ResultSetMode.SingleResult, BufferSize = bufferSize, MaxBufferSize = 1 << 20,
        };
        int split = 0;
        long consumed = 0;
        try
        {
            await using var csv = await CsvDataReader.CreateAsync(counter, options);
            while (await csv.ReadAsync())
            {
                string raw = csv.GetRawRecordSpan().ToString();
                long start = consumed;
                consumed += raw.Length;
                string content = LineCounter.TrimLineBreak(raw).ToString();
                int count = csv.RowFieldCount;
                bool plain = content.IndexOfAny(['"', '\r', '\n']) < 0 && content.Count(c => c == ',') == count - 1;
                bool isSplit = fields.TrySplit(start, content, raw.Length > content.Length, count);
                Assert.True(plain == isSplit, $"{Escape(text)}: record '{Escape(raw)}' at {start}: split {isSplit}, text rule {plain}");
                if (!isSplit)
                {
                    continue;
                }
                split++;
                // As the engine walks them: each cell from the end of the one before, the last to the text's end.
                int from = 0;
                for (int c = 0; c < count; c++)
                {
                    int to = c < count - 1 ? fields.CellEnd(c) : content.Length;
                    string cell = content[from..to];
                    Assert.True(csv.GetString(c) == cell, $"{Escape(text)}: record '{Escape(raw)}' cell {c}: reader '{csv.GetString(c)}', split '{cell}'");
                    if (c < count - 1)
                    {
                        Assert.Equal(cell, fields.Cell(content, c).ToString());
                    }
                    from = to + 1;
                }
            }
        }
        catch (CsvFormatException)
        {
            // Sylvan rejects the structure: the engine reports a format error, and the records before it were compared.
        }
        return split;
    }

    private static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
