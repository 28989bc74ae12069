using System.Text;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// Chunk boundaries on hostile layouts: every target offset of small files (so a boundary is tried at every byte
/// around quoted line breaks, CRLF pairs and the BOM), each chunked outcome compared with the single-stream one.
/// </summary>
public class ChunkingTests
{
    private static readonly string Quoted = string.Join("\n",
        Engine.Header,
        Engine.Row(id: "Q1", merchant: "\"Shop\nwith\r\nbreaks, \"\"quotes\"\"\n\""),
        Engine.Row(id: "Q2", merchant: "\"\n\""),
        Engine.Row(id: "Q3", amount: "abc"),
        "",
        Engine.Row(id: "Q4", merchant: "\"a,b\nTX-9,2024-03-01T10:00:00Z,ACC-1,Shop,groceries,10.00,EUR,DE,,\n\""),
        Engine.Row(id: "Q5", merchant: "\"\"\"\"", currency: "XXX"),
        Engine.Row(id: "Q6")) + "\n";

    [Fact]
    public Task Quoted_line_breaks_never_split_at_any_target_offset() => AssertEveryChunkSizeAsync(Encoding.UTF8.GetBytes(Quoted));

    [Fact]
    public Task A_CRLF_split_across_a_target_offset_is_kept_whole() =>
        AssertEveryChunkSizeAsync(Encoding.UTF8.GetBytes(Quoted.Replace("\n", "\r\n").Replace("\r\r\n", "\r\n")));

    [Fact]
    public Task A_BOM_and_a_record_starting_with_U_FEFF_are_read_as_in_one_stream() =>
        AssertEveryChunkSizeAsync([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Quoted + "\uFEFF" + Engine.Row(id: "B1") + "\n" + Engine.Row(id: "B2") + "\n")]);

    [Fact]
    public Task Blank_lines_before_the_header_are_counted_once() =>
        AssertEveryChunkSizeAsync(Encoding.UTF8.GetBytes("\n \r\n" + Quoted));

    [Fact]
    public Task A_file_without_a_final_line_break_keeps_its_last_record() =>
        AssertEveryChunkSizeAsync(Encoding.UTF8.GetBytes(Quoted + Engine.Row(id: "LAST", merchant: "\"x\ny\"")));

    [Fact]
    public Task A_headerless_file_does_not_load_its_first_record_twice()
    {
        var contract = Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(
            """{ "name": "h", "version": "1", "dialect": { "header": false }, "fields": [ { "name": "a", "constraints": { "required": true } }, { "name": "b", "type": "boolean" } ] }""")), "h.json", null);
        return AssertEveryChunkSizeAsync(Encoding.UTF8.GetBytes("x,true\n\"y\n1\",maybe\n\n,false\n\"z,\"\"\",TRUE\n"), contract);
    }

    [Theory]
    [InlineData("")]
    [InlineData("transaction_id")]
    [InlineData("transaction_id\n")]
    public async Task A_file_smaller_than_one_chunk_is_one_chunk(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var plan = await ChunkPlanner.PlanAsync(bytes.Length, ChunkedEngine.Reader(bytes), ChunkedEngine.Options(), 1024, CancellationToken.None);
        Assert.Equal([new FileChunk(0, 0, bytes.Length)], plan.Chunks);
        Assert.Equal(0, plan.BytesScanned);
        await AssertEveryChunkSizeAsync(bytes);
    }

    [Fact]
    public async Task A_file_whose_first_line_break_is_a_lone_CR_is_not_split()
    {
        var bytes = Encoding.UTF8.GetBytes(Engine.Header + "\r" + Engine.Row() + "\r" + Engine.Row(id: "TX-2") + "\r");
        var plan = await ChunkPlanner.PlanAsync(bytes.Length, ChunkedEngine.Reader(bytes), ChunkedEngine.Options(), 10, CancellationToken.None);
        Assert.Single(plan.Chunks);
        Assert.Contains("lone CR", plan.SingleChunkReason);
        await AssertEveryChunkSizeAsync(bytes, mustSplit: false);
    }

    [Fact]
    public async Task A_UTF16_file_is_not_split()
    {
        var contract = Contract.Default.WithDialect(null, "utf-16le");
        var bytes = Encoding.Unicode.GetBytes(Quoted);
        var plan = await ChunkPlanner.PlanAsync(bytes.Length, ChunkedEngine.Reader(bytes), ChunkedEngine.Options(contract), 64, CancellationToken.None);
        Assert.Single(plan.Chunks);
        Assert.NotNull(plan.SingleChunkReason);
    }

    [Fact]
    public async Task Quote_free_text_decides_within_the_record_limit_without_reading_from_the_start()
    {
        var text = new StringBuilder(Engine.Header).Append('\n');
        for (int i = 0; text.Length < 400_000; i++)
        {
            text.Append(Engine.Row(id: $"N{i}")).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var options = ChunkedEngine.Options(maxRecordChars: 4096);
        var plan = await ChunkPlanner.PlanAsync(bytes.Length, ChunkedEngine.Reader(bytes), options, 50_000, CancellationToken.None);
        Assert.Equal(0, plan.SequentialBoundaries);
        Assert.Equal(plan.Chunks.Count - 1, plan.SpeculativeBoundaries);
        Assert.InRange(plan.Chunks.Count, 7, 9);
        // Each boundary costs one record limit (3 bytes per character, 12 KiB) plus the rest of a record.
        Assert.True(plan.BytesScanned < plan.SpeculativeBoundaries * (3 * 4096 + 200) + 200, $"scanned {plan.BytesScanned}");
        var (_, chunked, chunkedSink) = await ChunkedEngine.RunAsync(bytes, 50_000, options);
        var (single, singleSink) = await Engine.RunAsync(bytes, detectDuplicates: false, maxRecordChars: 4096);
        Assert.Null(ChunkedEngine.Difference(single, singleSink, chunked, chunkedSink));
    }

    [Fact]
    public async Task A_quoted_field_longer_than_the_window_falls_back_to_the_sequential_scan()
    {
        // Inside the field, every line looks like a record; outside, the same bytes are one merchant name.
        var inner = string.Concat(Enumerable.Range(0, 2000).Select(i => Engine.Row(id: $"FAKE{i}") + "\n"));
        var text = Engine.Header + "\n" + Engine.Row(id: "BIG", merchant: "\"" + inner + "\"") + "\n" + Engine.Row(id: "AFTER") + "\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var options = ChunkedEngine.Options(maxRecordChars: 200_000);
        var (plan, chunked, sink) = await ChunkedEngine.RunAsync(bytes, 20_000, options);
        var (single, singleSink) = await Engine.RunAsync(bytes, detectDuplicates: false, maxRecordChars: 200_000);
        Assert.Null(ChunkedEngine.Difference(single, singleSink, chunked, sink));
        Assert.Equal(2, sink.Valid.Count + sink.Rejected.Count);
        Assert.True(plan.SequentialBoundaries > 0);
    }

    [Fact]
    public async Task A_quoted_field_longer_than_the_record_limit_fails_chunked_as_in_one_stream()
    {
        // The speculative scan drops the "inside quotes" hypothesis after 3 x 4096 bytes without a record end, and
        // here that hypothesis is the true one: the boundary it finds is wrong, and the chunk holding the record's
        // start must still fail the file as the single stream does (docs/architecture.md, proof sketch (b)).
        var inner = string.Concat(Enumerable.Range(0, 600).Select(i => Engine.Row(id: $"FAKE{i}") + "\n"));
        var text = Engine.Header + "\n" + Engine.Row(id: "A") + "\n" + Engine.Row(id: "BIG", merchant: "\"" + inner + "\"") + "\n" + Engine.Row(id: "AFTER") + "\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var options = ChunkedEngine.Options(maxRecordChars: 4096);
        var (single, _) = await Engine.RunAsync(bytes, detectDuplicates: false, maxRecordChars: 4096);
        Assert.Equal(FileErrorCodes.RecordTooLarge, single.ErrorCode);
        int bigStart = Encoding.UTF8.GetByteCount(text[..text.IndexOf("BIG", StringComparison.Ordinal)]);
        int bigEnd = Encoding.UTF8.GetByteCount(text[..text.IndexOf("AFTER", StringComparison.Ordinal)]);
        int inside = 0;
        for (int size = 200; size < bytes.Length; size += 997)
        {
            var (plan, chunked, _) = await ChunkedEngine.RunAsync(bytes, size, options);
            inside += plan.Chunks.Count(c => c.Start > bigStart && c.Start < bigEnd);
            Assert.True(chunked.ErrorCode == FileErrorCodes.RecordTooLarge, $"chunk size {size}, chunks at {string.Join(",", plan.Chunks.Select(c => c.Start))}: {chunked.ErrorCode}");
        }
        // Boundaries inside the field were placed, so the case the test is about did happen.
        Assert.True(inside > 0);
    }

    private static async Task AssertEveryChunkSizeAsync(byte[] bytes, Contract? contract = null, bool mustSplit = true)
    {
        var options = ChunkedEngine.Options(contract);
        var (single, singleSink) = await Engine.RunAsync(bytes, contract, detectDuplicates: false);
        int multi = 0;
        for (int size = 1; size <= bytes.Length + 1; size++)
        {
            var (plan, chunked, chunkedSink) = await ChunkedEngine.RunAsync(bytes, size, options);
            Assert.Equal(bytes.Length, plan.Chunks.Sum(c => c.Length));
            string? difference = ChunkedEngine.Difference(single, singleSink, chunked, chunkedSink);
            Assert.True(difference is null, $"chunk size {size}, chunks at {string.Join(",", plan.Chunks.Select(c => c.Start))}: {difference}");
            multi += plan.Chunks.Count > 1 ? 1 : 0;
        }
        // The loop must have split the file, or it proves nothing about boundaries.
        Assert.True(multi > 0 || !mustSplit || bytes.Length < 40);
    }
}
