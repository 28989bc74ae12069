using System.Buffers;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Streams every record the engine produces, valid or rejected, into the staging table through one binary
/// COPY. One connection can run only one COPY at a time, and both kinds must land in the same transaction,
/// so they share the staging table; a non-null errors column marks a rejected row. Column order:
/// __line, __raw, __errors, __key, then the contract's output columns. Nothing is buffered
/// beyond Npgsql's write buffer.
/// </summary>
internal sealed class StagingSink : IRowSink
{
    private readonly NpgsqlBinaryImporter _importer;
    private readonly ColumnType[] _types;
    private readonly ArrayBufferWriter<byte> _json = new(1024);
    private readonly int? _chunk;

    /// <param name="importer">The COPY into the staging table (or a chunked load's work table).</param>
    /// <param name="columns">The contract's output columns.</param>
    /// <param name="chunk">A chunked load's chunk index, written first in every row (<see cref="ChunkSql.CopyIntoWork"/>); null for the staging table.</param>
    public StagingSink(NpgsqlBinaryImporter importer, IReadOnlyList<OutputColumn> columns, int? chunk = null)
    {
        _importer = importer;
        _types = columns.Select(c => c.Type).ToArray();
        _chunk = chunk;
    }

    /// <summary>Valid rows written so far.</summary>
    public long Accepted { get; private set; }

    /// <summary>Rejected rows written so far.</summary>
    public long Rejected { get; private set; }

    // Synchronous writes into Npgsql's buffer, as in DirectSink (see there for why).
    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
    {
        StartRow();
        _importer.Write(row.Line, NpgsqlDbType.Bigint);
        _importer.Write(PgText.Storable(row.RawRecord), NpgsqlDbType.Text);
        _importer.WriteNull();
        _importer.Write(row.Key, NpgsqlDbType.Text);
        CopyValues.Write(_importer, _types, row);
        Accepted++;
        return ValueTask.CompletedTask;
    }

    public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
    {
        StartRow();
        _importer.Write(row.Line, NpgsqlDbType.Bigint);
        _importer.Write(PgText.Storable(row.RawRecord), NpgsqlDbType.Text);
        _importer.Write(ErrorsJson(row.Errors), NpgsqlDbType.Jsonb);
        _importer.WriteNull();
        for (var i = 0; i < _types.Length; i++)
        {
            _importer.WriteNull();
        }

        Rejected++;
        return ValueTask.CompletedTask;
    }

    private void StartRow()
    {
        _importer.StartRow();
        if (_chunk is { } chunk)
        {
            _importer.Write(chunk, NpgsqlDbType.Integer);
        }
    }

    // Written by hand with Utf8JsonWriter: no reflection, so the loader stays Native-AOT safe.
    private string ErrorsJson(IReadOnlyList<CellError> errors)
    {
        _json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_json))
        {
            RejectedRowJson.WriteErrors(writer, errors);
        }

        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }
}
