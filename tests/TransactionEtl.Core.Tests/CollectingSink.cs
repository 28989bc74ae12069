namespace TransactionEtl.Core.Tests;

/// <summary>A sink that keeps everything, for tests on small inputs (copies each reused ValidRow).</summary>
internal sealed class CollectingSink : IRowSink
{
    public List<(long Line, string Raw, string Key, object?[] Values)> Valid { get; } = [];

    public List<RejectedRow> Rejected { get; } = [];

    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
    {
        Valid.Add((row.Line, row.RawRecord, row.Key, (object?[])row.Values.Clone()));
        return ValueTask.CompletedTask;
    }

    public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
    {
        Rejected.Add(row);
        return ValueTask.CompletedTask;
    }
}
