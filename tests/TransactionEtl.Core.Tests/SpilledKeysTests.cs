using System.Text;
using TransactionEtl.Core.Tests.Hostile;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// validate's duplicate check past its memory budget: the same rejects, lines, reasons and counts as in memory, and no
/// temp file left. It counts the spill files in the shared temp directory, so it runs alone: another class spilling
/// meanwhile would move the count.
/// </summary>
[Collection(SerialTests.Name)]
public class SpilledKeysTests
{
    [Theory]
    [InlineData(1L, 0UL)]
    [InlineData(1L, 3UL)]
    [InlineData(5_000L, 0UL)]
    [InlineData(5_000L, 3UL)]
    [InlineData(5_000L, ulong.MaxValue)]
    public async Task A_spilled_check_rejects_exactly_what_the_in_memory_check_rejects(long budget, ulong hashMask)
    {
        byte[] file = Encoding.UTF8.GetBytes(FileWithRepeats(600));
        int before = TempFiles();
        var memory = new CollectingSink();
        var inMemory = await RunAsync(file, memory, long.MaxValue, hashMask);
        var late = new LateSink();
        var spilled = await RunAsync(file, late, budget, hashMask);

        Assert.True(late.LateCalls > 0, "the keys never spilled, so this test checks nothing");
        Assert.Equal(Describe(memory.Rejected), Describe(late.Rejected()));
        Assert.Equal(memory.Valid.Select(v => v.Line), late.Accepted.Order());
        Assert.Equal((inMemory.RowsTotal, inMemory.RowsValid, inMemory.RowsRejected), (spilled.RowsTotal, spilled.RowsValid, spilled.RowsRejected));
        Assert.Equal(inMemory.RejectReasons, spilled.RejectReasons);
        Assert.Equal(before, TempFiles());
    }

    [Fact]
    public async Task The_temp_file_is_deleted_when_the_sink_fails()
    {
        byte[] file = Encoding.UTF8.GetBytes(FileWithRepeats(200));
        int before = TempFiles();
        var sink = new LateSink { FailOnLate = true };
        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(file, sink, 1, ulong.MaxValue));
        Assert.Equal(before, TempFiles());
    }

    /// <summary>Ids from a pool of a third of the rows, so most repeat; every 7th row has a bad amount (rejected with its id, maybe also a repeat).</summary>
    private static string FileWithRepeats(int rows)
    {
        var text = new StringBuilder(Engine.Header).Append('\n');
        var random = new Random(19);
        for (int i = 0; i < rows; i++)
        {
            string id = $"TX-{random.Next(rows / 3):D5}";
            text.Append(Engine.Row(id: id, amount: i % 7 == 3 ? "ten" : $"{i}.50", merchant: $"Shop {i}")).Append('\n');
        }
        return text.ToString();
    }

    private static Task<FileResult> RunAsync(byte[] file, IRowSink sink, long budget, ulong hashMask) =>
        FileProcessor.ProcessAsync(new MemoryStream(file), sink, new ProcessingOptions
        {
            Contract = Contract.Default,
            DetectDuplicatesInMemory = true,
            DuplicateCheckBudgetBytes = budget,
            DuplicateCheckHashRemap = hash => hash & hashMask,
        }, CancellationToken.None);

    private static List<string> Describe(IEnumerable<RejectedRow> rows) =>
        rows.Select(r => $"{r.Line}|{r.RawRecord}|{string.Join(" / ", r.Errors.Select(e => $"{e.Column}:{e.Code}:{e.Message}:{e.Value}"))}").ToList();

    private static int TempFiles() => Directory.GetFiles(Path.GetTempPath(), "txetl-keys-*.tmp").Length;

    /// <summary>Keeps every outcome and applies the late rejects as validate's sink does, by line.</summary>
    private sealed class LateSink : IRowSink, ILateRejectSink
    {
        private readonly SortedDictionary<long, RejectedRow> _rejected = [];

        public HashSet<long> Accepted { get; } = [];

        public int LateCalls { get; private set; }

        public bool FailOnLate { get; init; }

        public IReadOnlyList<RejectedRow> Rejected() => [.. _rejected.Values];

        public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
        {
            Accepted.Add(row.Line);
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
        {
            _rejected.Add(row.Line, row);
            return ValueTask.CompletedTask;
        }

        public void LateReject(long line, string? acceptedRaw, CellError reason)
        {
            LateCalls++;
            if (FailOnLate)
            {
                throw new InvalidOperationException("the sink failed");
            }
            if (acceptedRaw is not null)
            {
                Assert.True(Accepted.Remove(line));
                _rejected.Add(line, new RejectedRow(line, acceptedRaw, [reason]));
            }
            else
            {
                _rejected[line] = _rejected[line] with { Errors = [.. _rejected[line].Errors, reason] };
            }
        }
    }
}
