using TransactionEtl.Core;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// The dry run's sink: valid rows are only counted by the engine; of the rejected rows it keeps the first few for
/// the report, so memory stays flat however many rows are rejected.
/// </summary>
internal sealed class ValidateSink(int keep) : IRowSink
{
    private readonly List<RejectedRow> _first = [];

    public IReadOnlyList<RejectedRow> FirstRejected => _first;

    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
    {
        if (_first.Count < keep)
        {
            _first.Add(row);
        }
        return ValueTask.CompletedTask;
    }
}
