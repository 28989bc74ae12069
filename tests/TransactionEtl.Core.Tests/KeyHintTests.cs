using System.Text;

namespace TransactionEtl.Core.Tests;

/// <summary>The engine's early key hint to a sink that checks keys itself (run's direct path): given for every record, before it is handed on.</summary>
public class KeyHintTests
{
    [Fact]
    public async Task A_hinting_sink_gets_each_records_id_before_the_record_valid_or_not()
    {
        string text = Engine.Header + "\n" + Engine.Row(id: "TX-1") + "\n" + Engine.Row(id: "TX-2", amount: "x") + "\n"
            + Engine.Row(id: "  TX-3 ") + "\n" + Engine.Row(id: "TX-1") + "\n";
        var sink = new HintingSink();
        var options = new ProcessingOptions { DetectDuplicatesInMemory = false };
        await FileProcessor.ProcessAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), sink, options, CancellationToken.None);
        // The hint is the cell as kept before validation; the accepted key is what the sink must trust.
        Assert.Equal(["hint TX-1", "accept TX-1", "hint TX-2", "reject 3", "hint TX-3", "accept TX-3", "hint TX-1", "accept TX-1"], sink.Events);
    }

    [Fact]
    public async Task No_hint_when_the_engine_checks_the_keys_itself()
    {
        var sink = new HintingSink();
        await FileProcessor.ProcessAsync(new MemoryStream(Encoding.UTF8.GetBytes(Engine.Header + "\n" + Engine.Row() + "\n")), sink, new ProcessingOptions { DetectDuplicatesInMemory = true }, CancellationToken.None);
        Assert.Equal(["accept TX-1"], sink.Events);
    }

    private sealed class HintingSink : IRowSink, IKeyHintSink
    {
        public List<string> Events { get; } = [];

        public void HintKey(ReadOnlySpan<char> key) => Events.Add("hint " + key.ToString());

        public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
        {
            Events.Add("accept " + row.KeyText.ToString());
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
        {
            Events.Add("reject " + row.Line);
            return ValueTask.CompletedTask;
        }
    }
}
