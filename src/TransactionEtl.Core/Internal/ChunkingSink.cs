namespace TransactionEtl.Core.Internal;

/// <summary>
/// Between the engine and the caller's sink when a chunk is read behind the file's prefix: drops the prefix's own
/// records (a headerless file's first data record belongs to chunk 0) and numbers the rest from the chunk's start.
/// </summary>
internal sealed class ChunkingSink : IRowSink
{
    private readonly IRowSink _inner;
    private readonly long _prefixLines;

    public ChunkingSink(IRowSink inner, long prefixLines)
    {
        _inner = inner;
        _prefixLines = prefixLines;
    }

    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
    {
        if (row.Line <= _prefixLines)
        {
            return ValueTask.CompletedTask;
        }
        row.Line -= _prefixLines;
        return _inner.AcceptAsync(row, cancellationToken);
    }

    public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken) =>
        row.Line <= _prefixLines
            ? ValueTask.CompletedTask
            : _inner.RejectAsync(row with { Line = row.Line - _prefixLines }, cancellationToken);
}
