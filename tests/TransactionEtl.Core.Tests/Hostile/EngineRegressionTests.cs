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
}
