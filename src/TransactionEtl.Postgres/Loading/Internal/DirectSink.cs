using Npgsql;
using NpgsqlTypes;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The direct path's sink: valid rows go straight into the target table through one binary COPY (the
/// contract's output columns, then file_id and source_line), rejected rows to a <see cref="RejectSpool"/>.
/// Valid rows carry no raw text or key here: only what the target stores.
/// </summary>
/// <remarks>
/// The writes are synchronous on purpose: each one only copies into Npgsql's write buffer, and only a full
/// buffer does I/O. An awaited call per cell (18 per row) costs a state machine each for nothing
/// (docs/performance.md has the measurement).
/// </remarks>
internal sealed class DirectSink : IRowSink
{
    private readonly NpgsqlBinaryImporter _importer;
    private readonly ColumnType[] _types;
    private readonly long _fileId;
    private readonly RejectSpool _rejects;

    public DirectSink(NpgsqlBinaryImporter importer, IReadOnlyList<OutputColumn> columns, long fileId, RejectSpool rejects)
    {
        _importer = importer;
        _types = columns.Select(c => c.Type).ToArray();
        _fileId = fileId;
        _rejects = rejects;
    }

    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
    {
        _importer.StartRow();
        CopyValues.Write(_importer, _types, row.Values);
        _importer.Write(_fileId, NpgsqlDbType.Bigint);
        _importer.Write(row.Line, NpgsqlDbType.Bigint);
        return ValueTask.CompletedTask;
    }

    public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
    {
        _rejects.Add(row);
        return ValueTask.CompletedTask;
    }
}
