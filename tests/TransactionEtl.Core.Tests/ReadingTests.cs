using System.Security.Cryptography;
using System.Text;

namespace TransactionEtl.Core.Tests;

public class ReadingTests
{
    [Fact]
    public async Task Skips_and_counts_blank_lines_keeping_physical_line_numbers()
    {
        string text = Engine.Header + "\n\n" + Engine.Row(id: "A") + "\n   \n\r\n" + Engine.Row(id: "B", amount: "x") + "\n\n";
        var (result, sink) = await Engine.RunAsync(text);
        Assert.Equal(4, result.BlankLines);
        Assert.Equal(2, result.RowsTotal);
        Assert.Equal(3, Assert.Single(sink.Valid).Line);
        Assert.Equal(6, Assert.Single(sink.Rejected).Line);
    }

    [Fact]
    public async Task Reads_crlf_line_endings_and_keeps_raw_text_without_the_line_break()
    {
        string text = Engine.Header + "\r\n" + Engine.Row(id: "A") + "\r\n" + Engine.Row(id: "B", currency: "EURO") + "\r\n";
        var (result, sink) = await Engine.RunAsync(text);
        Assert.Equal(2, result.RowsTotal);
        Assert.Equal(Engine.Row(id: "A"), sink.Valid[0].Raw);
        Assert.Equal(Engine.Row(id: "B", currency: "EURO"), sink.Rejected[0].RawRecord);
        Assert.Equal(3, sink.Rejected[0].Line);
    }

    [Fact]
    public async Task Reads_a_last_line_without_a_line_break()
    {
        var (result, sink) = await Engine.RunAsync(Engine.Header + "\n" + Engine.Row());
        Assert.Equal(1, result.RowsValid);
        Assert.Equal(Engine.Row(), sink.Valid[0].Raw);
    }

    [Fact]
    public async Task Reads_quoted_fields_with_delimiters_line_breaks_and_doubled_quotes()
    {
        string record = Engine.Row(id: "A", merchant: "\"Smith, \"\"The\"\"\r\nShop\"");
        string text = Engine.Header + "\n" + record + "\n" + Engine.Row(id: "B", amount: "bad") + "\n";
        var (_, sink) = await Engine.RunAsync(text);
        var row = Assert.Single(sink.Valid);
        Assert.Equal("Smith, \"The\" Shop", row.Value("merchant"));
        Assert.Equal(2, row.Line);
        Assert.Equal(record, row.Raw);
        // The quoted line break makes record A two physical lines, so B starts on line 4.
        Assert.Equal(4, Assert.Single(sink.Rejected).Line);
    }

    [Fact]
    public async Task Keeps_the_raw_record_byte_for_byte()
    {
        string record = "  TX-9 ,2024-03-01,A1,\"Caf\u00e9\u00a0 \u65e5\u672c\",books,1.234,EUR,DE,,";
        byte[] bytes = Encoding.UTF8.GetBytes(Engine.Header + "\n" + record + "\n");
        var (_, sink) = await Engine.RunAsync(bytes);
        var rejected = Assert.Single(sink.Rejected);
        Assert.Equal(Encoding.UTF8.GetBytes(record), Encoding.UTF8.GetBytes(rejected.RawRecord));
    }

    [Fact]
    public async Task Rejects_the_file_on_invalid_utf8_naming_byte_offset_and_line()
    {
        byte[] head = Encoding.UTF8.GetBytes(Engine.Header + "\n" + Engine.Row(id: "A") + "\nTX-");
        byte[] bytes = [.. head, 0xC3, 0x28, .. Encoding.UTF8.GetBytes(",2024-03-01,A1,,books,1.00,EUR,DE,,\n")];
        var (result, _) = await Engine.RunAsync(bytes);
        Assert.Equal("encoding-error", result.ErrorCode);
        Assert.Contains($"byte offset {head.Length} (line 3)", result.ErrorMessage);
        Assert.Equal(bytes.Length, result.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
    }

    [Fact]
    public async Task Rejects_the_file_when_it_ends_inside_a_multibyte_sequence()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(Engine.Header + "\n"), 0xE2, 0x82];
        var (result, _) = await Engine.RunAsync(bytes);
        Assert.Equal("encoding-error", result.ErrorCode);
        Assert.Contains("ends inside a multi-byte sequence", result.ErrorMessage);
    }

    [Fact]
    public async Task Finds_invalid_utf8_far_into_a_large_file_across_read_boundaries()
    {
        var sb = new StringBuilder(Engine.Header + "\n");
        for (int i = 0; i < 3000; i++)
        {
            sb.Append(Engine.Row(id: $"T{i}", merchant: "\u20ac\u65e5\u00e9")).Append('\n');
        }
        byte[] good = Encoding.UTF8.GetBytes(sb.ToString());
        byte[] bytes = [.. good, 0xFF, (byte)'\n'];
        var (result, _) = await Engine.RunAsync(bytes);
        Assert.Equal("encoding-error", result.ErrorCode);
        Assert.Contains($"byte offset {good.Length} (line 3002)", result.ErrorMessage);

        var (clean, sink) = await Engine.RunAsync(good);
        Assert.Null(clean.ErrorCode);
        Assert.Equal(3000, sink.Valid.Count);
    }

    [Fact]
    public async Task Rejects_the_file_when_text_follows_a_closing_quote()
    {
        var (result, _) = await Engine.RunAsync(Engine.Header + "\n" + Engine.Row(id: "A") + "\n\"TX\"x,2024-03-01,A1,,books,1.00,EUR,DE,,\n");
        Assert.Equal("format-error", result.ErrorCode);
        Assert.Contains("line 3", result.ErrorMessage);
    }

    [Fact]
    public async Task Rejects_the_file_when_a_quote_is_never_closed()
    {
        var (result, _) = await Engine.RunAsync(Engine.Header + "\n\"TX,2024-03-01,A1,,books,1.00,EUR,DE,,\n");
        Assert.Equal("format-error", result.ErrorCode);
    }

    [Fact]
    public async Task Rejects_the_file_when_a_record_exceeds_the_record_size_limit()
    {
        string big = "\"" + new string('x', 10_000) + "\"";
        var (result, _) = await Engine.RunAsync(Encoding.UTF8.GetBytes(Engine.Header + "\n" + Engine.Row(merchant: big) + "\n"), maxRecordChars: 8192);
        Assert.Equal("record-too-large", result.ErrorCode);
        Assert.Contains("line 2", result.ErrorMessage);
    }

    [Fact]
    public async Task Rejects_a_row_whose_field_exceeds_the_field_size_limit()
    {
        var (result, sink) = await Engine.RunAsync(Encoding.UTF8.GetBytes(Engine.Header + "\n" + Engine.Row(merchant: new string('x', 300)) + "\n"), maxFieldChars: 100);
        Assert.Null(result.ErrorCode);
        var error = Assert.Single(Assert.Single(sink.Rejected).Errors);
        Assert.Equal("merchant", error.Column);
        Assert.Contains("field size limit of 100", error.Message);
    }

    [Fact]
    public async Task Computes_sha256_and_byte_count_of_the_whole_input()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Engine.Header + "\n" + Engine.Row() + "\n");
        var (result, _) = await Engine.RunAsync(bytes);
        Assert.Equal(bytes.Length, result.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
    }

    [Fact]
    public async Task Hashes_the_whole_file_even_when_the_header_rejects_it()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("a,b\n1,2\n3,4\n");
        var (result, _) = await Engine.RunAsync(bytes);
        Assert.Equal("missing-label", result.ErrorCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
    }

    [Fact]
    public async Task Reports_progress_in_bytes()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Engine.Header + "\n" + Engine.Row() + "\n");
        long last = 0;
        var options = new ProcessingOptions { Progress = b => last = b };
        await FileProcessor.ProcessAsync(new MemoryStream(bytes), new CollectingSink(), options, CancellationToken.None);
        Assert.Equal(bytes.Length, last);
    }

    [Fact]
    public async Task Stops_when_cancelled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            FileProcessor.ProcessAsync(new MemoryStream(Encoding.UTF8.GetBytes(Engine.Header + "\n")), new CollectingSink(), new ProcessingOptions(), cts.Token));
    }
}
