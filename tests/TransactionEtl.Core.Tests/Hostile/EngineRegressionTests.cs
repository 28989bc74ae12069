namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>Regression tests for engine bugs found by the hostile-input corpus and the fuzzers (one per bug).</summary>
public class EngineRegressionTests
{
    [Fact]
    public async Task A_row_starting_with_a_NUL_byte_is_rejected_not_silently_dropped_as_a_comment()
    {
        // The CSV reader skipped any line starting with its comment character, which was '\0': the row vanished
        // from every count and each later row was numbered one line too early.
        string text = Engine.Header + "\n" + Engine.Row(id: "A") + "\n\0" + Engine.Row(id: "B") + "\n" + Engine.Row(id: "C") + "\n";
        var (result, sink) = await Engine.RunAsync(text);
        Assert.Equal(3, result.RowsTotal);
        Assert.Equal([2L, 4L], sink.Valid.Select(v => v.Line));
        var rejected = Assert.Single(sink.Rejected);
        Assert.Equal(3, rejected.Line);
        Assert.Equal("\0" + Engine.Row(id: "B"), rejected.RawRecord);
        Assert.Equal(FileErrorCodes.ConstraintError, Assert.Single(rejected.Errors).Code);
    }

    [Fact]
    public async Task A_field_over_a_field_limit_below_64_characters_rejects_the_row_instead_of_throwing()
    {
        // Found by the mutation fuzzer: the error quoted the value's first 64 characters with raw[..64], which threw
        // ArgumentOutOfRangeException out of the engine whenever MaxFieldChars was set below 64.
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(Engine.Header + "\n" + Engine.Row(merchant: "Twenty characters!!!") + "\n");
        var (result, sink) = await Engine.RunAsync(bytes, maxFieldChars: 10);
        Assert.Null(result.ErrorCode);
        var error = Assert.Single(sink.Rejected).Errors.Single(e => e.Column == "merchant");
        Assert.Equal(FileErrorCodes.ConstraintError, error.Code);
        Assert.Contains("field size limit of 10", error.Message);
        Assert.Equal("Twenty characters!!!", error.Value);
    }

    [Fact]
    public async Task A_pattern_must_match_the_whole_value_including_a_final_line_break()
    {
        // The pattern was anchored with '$', which in .NET also matches before a final '\n': with a contract that
        // does not trim, "AB\n" (a quoted value) passed the pattern [A-Z]+ and a line break reached the database.
        var contract = Contract.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            """{ "name": "p", "version": "1", "fields": [ { "name": "code", "constraints": { "pattern": "[A-Z]+" } } ] }""")), "p.json", null);
        var (_, sink) = await Engine.RunAsync("code\n\"AB\n\"\nCD\n", contract);
        Assert.Equal(2, Assert.Single(sink.Rejected).Line);
        Assert.Equal(4, Assert.Single(sink.Valid).Line);
    }
}
