using TransactionEtl.Core;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// The dry run's sink: valid rows are only counted by the engine; of the rejected rows it keeps the first few for
/// the report, so memory stays flat however many rows are rejected.
/// </summary>
/// <remarks>
/// Rejects found at the end (the duplicate check past its memory budget) go where their line puts them, so the
/// report lists the same first rows, with the same reasons, as when every key fitted in memory.
/// </remarks>
internal sealed class ValidateSink(int keep) : IRowSink, ILateRejectSink
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

    public void LateReject(long line, string? acceptedRaw, CellError reason)
    {
        int at = FirstAtOrAfter(line);
        if (acceptedRaw is null)
        {
            // Rejected before: it gains the reason if it is one of the rows kept.
            if (at < _first.Count && _first[at].Line == line)
            {
                _first[at] = _first[at] with { Errors = [.. _first[at].Errors, reason] };
            }
            return;
        }
        if (at < keep)
        {
            _first.Insert(at, new RejectedRow(line, acceptedRaw, [reason]));
            if (_first.Count > keep)
            {
                _first.RemoveAt(_first.Count - 1);
            }
        }
    }

    /// <summary>The index of the first kept row on <paramref name="line"/> or later (the rows are in line order).</summary>
    private int FirstAtOrAfter(long line)
    {
        int low = 0;
        int high = _first.Count;
        while (low < high)
        {
            int middle = (low + high) / 2;
            if (_first[middle].Line < line)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}
