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
    private readonly IReadOnlyList<OutputColumn> _columns;
    private readonly ArrayBufferWriter<byte> _json = new(1024);

    public StagingSink(NpgsqlBinaryImporter importer, IReadOnlyList<OutputColumn> columns)
    {
        _importer = importer;
        _columns = columns;
    }

    /// <summary>Valid rows written so far.</summary>
    public long Accepted { get; private set; }

    /// <summary>Rejected rows written so far.</summary>
    public long Rejected { get; private set; }

    public async ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
    {
        await _importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await _importer.WriteAsync(row.Line, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await _importer.WriteAsync(row.RawRecord, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await _importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        await _importer.WriteAsync(row.Key, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        var values = row.Values;
        for (var i = 0; i < _columns.Count; i++)
        {
            var value = values[i];
            if (value is null)
            {
                await _importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Unboxed, typed writes: Npgsql then skips its per-value type resolution.
            var task = _columns[i].Type switch
            {
                ColumnType.Text => _importer.WriteAsync((string)value, NpgsqlDbType.Text, cancellationToken),
                ColumnType.Numeric => _importer.WriteAsync((decimal)value, NpgsqlDbType.Numeric, cancellationToken),
                ColumnType.Timestamp => _importer.WriteAsync((DateTime)value, NpgsqlDbType.TimestampTz, cancellationToken),
                ColumnType.Boolean => _importer.WriteAsync((bool)value, NpgsqlDbType.Boolean, cancellationToken),
                ColumnType.BigInt => _importer.WriteAsync((long)value, NpgsqlDbType.Bigint, cancellationToken),
                ColumnType.Date => _importer.WriteAsync((DateOnly)value, NpgsqlDbType.Date, cancellationToken),
                _ => throw new InvalidOperationException($"Column '{_columns[i].Name}' has unsupported type {_columns[i].Type}."),
            };
            await task.ConfigureAwait(false);
        }

        Accepted++;
    }

    public async ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
    {
        await _importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await _importer.WriteAsync(row.Line, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await _importer.WriteAsync(row.RawRecord, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await _importer.WriteAsync(ErrorsJson(row.Errors), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await _importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _columns.Count; i++)
        {
            await _importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }

        Rejected++;
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
