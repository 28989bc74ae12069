using TransactionEtl.Cli.Commands;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Tests.Commands;

/// <summary>validate's sink keeps the first rejects by line, also when some are found only after the last row.</summary>
public sealed class ValidateSinkTests
{
    private static readonly CellError Bad = new("amount", "type-error", "bad amount", "x");
    private static readonly CellError Repeat = new("transaction_id", "primary-key", "repeats", "TX-1");

    [Fact]
    public async Task Late_rejects_go_where_their_line_puts_them_among_the_first_kept()
    {
        var sink = new ValidateSink(3);
        await sink.RejectAsync(new RejectedRow(5, "five", [Bad]), CancellationToken.None);
        await sink.RejectAsync(new RejectedRow(9, "nine", [Bad]), CancellationToken.None);

        sink.LateReject(3, "three", Repeat);
        sink.LateReject(20, "twenty", Repeat);
        sink.LateReject(9, null, Repeat);
        sink.LateReject(5, null, Repeat);
        sink.LateReject(7, "seven", Repeat);
        sink.LateReject(9, null, Repeat);

        Assert.Equal([3L, 5L, 7L], sink.FirstRejected.Select(r => r.Line));
        Assert.Equal(["three", "five", "seven"], sink.FirstRejected.Select(r => r.RawRecord));
        Assert.Equal([Bad, Repeat], sink.FirstRejected[1].Errors);
        Assert.Equal([Repeat], sink.FirstRejected[0].Errors);
    }

    [Fact]
    public void Keeping_none_keeps_no_late_reject()
    {
        var sink = new ValidateSink(0);
        sink.LateReject(1, "one", Repeat);
        Assert.Empty(sink.FirstRejected);
    }
}
