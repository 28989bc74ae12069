using System.Text;
using Sylvan.Data.Csv;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// The per-record field-count limit (<see cref="ProcessingOptions.MaxFieldsPerRecord"/>), checked before the CSV
/// reader parses the record. The allocation bound for 50,000 columns is checked by the hostile corpus (serial).
/// </summary>
public class FieldCountLimitTests
{
    private static async Task<FileResult> RunAsync(string text, int maxFields)
    {
        var options = new ProcessingOptions { MaxFieldsPerRecord = maxFields, DetectDuplicatesInMemory = false };
        return await FileProcessor.ProcessAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), new CollectingSink(), options, CancellationToken.None);
    }

    [Fact]
    public async Task Rejects_a_header_of_50000_columns_naming_line_count_and_limit()
    {
        string header = "c" + string.Concat(Enumerable.Range(1, 49_999).Select(i => ",c" + i));
        var result = await RunAsync(header + "\n" + Engine.Row() + "\n", ProcessingOptions.DefaultMaxFieldsPerRecord);
        Assert.Equal(FileErrorCodes.RecordTooLarge, result.ErrorCode);
        Assert.Contains("line 1", result.ErrorMessage);
        Assert.Contains("has 50000 fields", result.ErrorMessage);
        Assert.Contains("limit of 1000", result.ErrorMessage);
        Assert.Equal(0, result.RowsTotal);
    }

    [Fact]
    public async Task A_record_of_exactly_the_limit_is_read_and_one_more_field_rejects_the_file()
    {
        // 10 header fields; the data row has 10 + 2 = 12 fields.
        string text = Engine.Header + "\n" + Engine.Row() + ",," + "\n";
        var atLimit = await RunAsync(text, 12);
        Assert.Null(atLimit.ErrorCode);
        Assert.Equal(1, atLimit.RowsRejected);

        var over = await RunAsync(text, 11);
        Assert.Equal(FileErrorCodes.RecordTooLarge, over.ErrorCode);
        Assert.Contains("line 2 has 12 fields, more than the limit of 11", over.ErrorMessage);
    }

    [Fact]
    public async Task Delimiters_inside_quoted_fields_do_not_count_but_stray_quotes_do_not_open_one()
    {
        string quoted = "\"" + new string(',', 5_000) + "\"\"\r\n,\"";
        var ok = await RunAsync(Engine.Header + "\n" + Engine.Row(merchant: quoted) + "\n", 20);
        Assert.Null(ok.ErrorCode);
        Assert.Equal(1, ok.RowsTotal);

        // A quote inside an unquoted field is a literal (Joe"s): the commas after it are real delimiters.
        string stray = "Joe\"s" + new string(',', 30);
        var rejected = await RunAsync(Engine.Header + "\n" + Engine.Row(merchant: stray) + "\n", 20);
        Assert.Equal(FileErrorCodes.RecordTooLarge, rejected.ErrorCode);
        Assert.Contains("line 2 has 40 fields", rejected.ErrorMessage);
    }

    [Fact]
    public async Task Names_the_physical_line_after_quoted_line_breaks_crlf_and_many_read_buffers()
    {
        var text = new StringBuilder(Engine.Header + "\r\n");
        // 3 physical lines per record, about 5 MB in all: the offending record is far past the first read buffers.
        for (int i = 0; i < 40_000; i++)
        {
            text.Append(Engine.Row(id: "TX-" + i, merchant: "\"two\r\nlines\nthree\"")).Append("\r\n");
        }
        text.Append("\r\n\n");
        text.Append(Engine.Row(id: "TX-X") + new string(',', 15) + "\r\n");
        text.Append(Engine.Row(id: "TX-Y") + "\r\n");
        var result = await RunAsync(text.ToString(), 24);
        Assert.Equal(FileErrorCodes.RecordTooLarge, result.ErrorCode);
        long expectedLine = 1 + 40_000 * 3 + 2 + 1;
        Assert.Contains($"line {expectedLine} has 25 fields", result.ErrorMessage);
    }

    [Fact]
    public async Task Reads_a_large_cr_only_file_and_still_finds_a_wide_record_in_it()
    {
        var text = new StringBuilder(Engine.Header + "\r");
        for (int i = 0; i < 2_000; i++)
        {
            text.Append(Engine.Row(id: "TX-" + i)).Append('\r');
        }
        var ok = await RunAsync(text.ToString(), 20);
        Assert.Null(ok.ErrorCode);
        Assert.Equal(2_000, ok.RowsValid);

        text.Append(Engine.Row(id: "TX-W") + new string(',', 30)).Append('\r');
        var wide = await RunAsync(text.ToString(), 20);
        Assert.Equal(FileErrorCodes.RecordTooLarge, wide.ErrorCode);
        Assert.Contains("line 2002 has 40 fields", wide.ErrorMessage);
    }

    [Fact]
    public void Rejects_a_limit_below_one()
    {
        var options = new ProcessingOptions { MaxFieldsPerRecord = 0 };
        Assert.Throws<ArgumentException>(options.Validate);
    }

    /// <summary>
    /// The counter against the CSV reader on random texts of delimiters, quotes, line breaks and letters. With LF and
    /// CRLF line ends both must agree exactly (count and line of the widest record), so normal files are never
    /// rejected wrongly. With CR-only line ends the counter must never count fewer fields than the reader's widest
    /// record (the limit cannot be dodged) and must agree exactly.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Counts_the_same_fields_and_lines_as_the_csv_reader_with_lf_crlf_or_cr_line_ends(bool carriageReturnsOnly)
    {
        var rng = new Random(carriageReturnsOnly ? 8 : 9);
        string[] alphabet = carriageReturnsOnly
            ? [",", ",", ",", "\"", "\r", "\r", "a", "b", " "]
            : [",", ",", ",", "\"", "\r\n", "\n", "\n", "a", "b", " "];
        int compared = await CompareWithCsvReaderAsync(rng, alphabet, maxTokens: 80, chunk: 7);
        Assert.True(compared > 500, $"only {compared} texts were valid CSV");
    }

    /// <summary>
    /// As above on long texts read in large chunks, so the counter's 16-character vector steps do the counting (above,
    /// 7-character chunks leave it to the scalar tail). Runs of letters put delimiters, quotes and line breaks at every
    /// offset of a step; characters whose low byte is a comma, quote, CR or LF (U+012C, U+0122, U+010D, U+010A) and
    /// ones above U+7FFF (U+FF0C, U+FF02) must count as letters, whatever a step packs.
    /// </summary>
    [Fact]
    public async Task Counts_the_same_fields_and_lines_as_the_csv_reader_in_vector_steps()
    {
        var rng = new Random(10);
        string[] alphabet = [",", ",", ",", ",,,,,,,,,,,,,,,,,", "\"", "\"\"", "\r\n", "\n", "\n", "abcdefghijklmno", "abcdefghijklmnopqrst", "a", " ",
            "\u012C", "\u0122", "\u010D", "\u010A", "\uFF0C", "\uFF02"];
        int compared = await CompareWithCsvReaderAsync(rng, alphabet, maxTokens: 300, chunk: 4096);
        Assert.True(compared > 300, $"only {compared} texts were valid CSV");
    }

    /// <summary>
    /// Random texts of <paramref name="alphabet"/>'s tokens: where the CSV reader accepts one, the counter must pass
    /// the widest record at its field count and stop it, on the same line, one below. Returns the texts compared.
    /// </summary>
    private static async Task<int> CompareWithCsvReaderAsync(Random rng, string[] alphabet, int maxTokens, int chunk)
    {
        int compared = 0;
        for (int n = 0; n < 3_000; n++)
        {
            var text = new StringBuilder();
            for (int i = rng.Next(1, maxTokens); i > 0; i--)
            {
                text.Append(alphabet[rng.Next(alphabet.Length)]);
            }
            var sylvan = await SylvanRecordsAsync(text.ToString());
            if (sylvan is null)
            {
                continue; // Sylvan rejects the structure; the engine reports format-error, the counter does not matter.
            }
            compared++;
            int max = sylvan.Max(r => r.Fields);
            var first = sylvan.First(r => r.Fields == max);
            Assert.Null(await CountAsync(text.ToString(), max, chunk));
            if (max > 1)
            {
                var error = await CountAsync(text.ToString(), max - 1, chunk);
                Assert.True(error is not null, $"no overflow for {Escape(text.ToString())} at limit {max - 1}");
                Assert.True((max, first.Line) == (error.Fields, error.Line),
                    $"{Escape(text.ToString())}: the CSV reader has {max} fields on line {first.Line}, the counter {error.Fields} on line {error.Line}");
            }
        }
        return compared;
    }

    private static async Task<TooManyFieldsException?> CountAsync(string text, int maxFields, int chunk)
    {
        using var reader = new FieldCountingReader(new StringReader(text), ',', '"', maxFields);
        var buffer = new char[chunk];
        try
        {
            while (await reader.ReadAsync(buffer.AsMemory()) > 0)
            {
            }
            return null;
        }
        catch (TooManyFieldsException e)
        {
            return e;
        }
    }

    private static async Task<List<(long Line, int Fields)>?> SylvanRecordsAsync(string text)
    {
        var options = new CsvDataReaderOptions { HasHeaders = false, Delimiter = ',', Quote = '"', Escape = '"', Comment = '\uDFFF', ResultSetMode = ResultSetMode.SingleResult };
        var records = new List<(long, int)>();
        int offset = 0;
        try
        {
            await using var csv = await CsvDataReader.CreateAsync(new StringReader(text), options);
            while (await csv.ReadAsync())
            {
                var raw = csv.GetRawRecordSpan();
                // The physical line where the record starts: Sylvan sometimes splits a CRLF between two records,
                // so the line is counted on the text before the record, not summed over the records.
                records.Add((1 + LineCounter.CountLineBreaks(text.AsSpan(0, offset)), csv.RowFieldCount));
                offset += raw.Length;
            }
        }
        catch (CsvFormatException)
        {
            return null;
        }
        Assert.Equal(text.Length, offset);
        return records.Count == 0 ? null : records;
    }

    private static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
