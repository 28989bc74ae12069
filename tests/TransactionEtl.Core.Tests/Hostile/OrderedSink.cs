namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>
/// Keeps every outcome in file order (line numbers must only grow), copying each reused ValidRow's values;
/// optionally keeps no values at all, for big or fuzzed inputs.
/// </summary>
internal sealed class OrderedSink(bool keepValues = true) : IRowSink
{
    public List<long> Lines { get; } = [];

    public Dictionary<long, object?[]> Valid { get; } = [];

    public long ValidCount { get; private set; }

    public List<RejectedRow> Rejected { get; } = [];

    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
    {
        Lines.Add(row.Line);
        ValidCount++;
        if (keepValues)
        {
            Valid[row.Line] = (object?[])row.Values.Clone();
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
    {
        Lines.Add(row.Line);
        Rejected.Add(row);
        return ValueTask.CompletedTask;
    }
}
