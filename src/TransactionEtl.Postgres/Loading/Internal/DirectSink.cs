using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The direct path's sink: valid rows go straight into the target table through one binary COPY (the
/// contract's output columns, then file_id and source_line), rejected rows to a <see cref="RejectSpool"/>.
/// Valid rows carry no raw text or key here: only what the target stores.
/// </summary>
/// <remarks>
/// Synchronous on purpose: a row is formatted into a 64 KiB buffer, and only a full buffer does I/O
/// (Npgsql's writer then blocks on the socket, which is what awaiting would wait for too).
/// </remarks>
internal sealed class DirectSink : IRowSink
{
    private readonly BinaryCopyWriter _writer;
    private readonly ColumnType[] _types;
    private readonly long _fileId;
    private readonly RejectSpool _rejects;

    public DirectSink(BinaryCopyWriter writer, IReadOnlyList<OutputColumn> columns, long fileId, RejectSpool rejects)
    {
        _writer = writer;
        _types = columns.Select(c => c.Type).ToArray();
        _fileId = fileId;
        _rejects = rejects;
    }

    /// <summary>Valid rows written so far.</summary>
    public long Accepted { get; private set; }

    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
    {
        _writer.WriteRow(_types, row.Values, _fileId, row.Line);
        Accepted++;
        return ValueTask.CompletedTask;
    }

    public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
    {
        _rejects.Add(row);
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the trailer and sends what is still buffered; call once the engine is done, before ending the COPY.</summary>
    public void Complete() => _writer.Complete();
}
