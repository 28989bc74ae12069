using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The direct path's sink: valid rows go straight into the target table through one binary COPY (the
/// contract's output columns, then file_id and source_line), rejected rows to a <see cref="RejectSpool"/>.
/// Valid rows carry no raw text or key here: only what the target stores. A valid row whose key the file had on an
/// earlier valid row (<see cref="InFileKeySet"/>) is spooled as a <c>primary-key</c> reject instead, with the error the
/// staging path's SQL writes (<see cref="LoaderSql.MarkInFileDuplicates"/>), so both paths store the same rejects.
/// </summary>
/// <remarks>
/// Synchronous on purpose: a row is formatted into a 64 KiB buffer, and only a full buffer does I/O
/// (Npgsql's writer then blocks on the socket, which is what awaiting would wait for too).
/// </remarks>
internal sealed class DirectSink : IRowSink, IKeyHintSink
{
    private readonly BinaryCopyWriter _writer;
    private readonly ColumnType[] _types;
    private readonly long _fileId;
    private readonly RejectSpool _rejects;
    private readonly InFileKeySet? _keys;
    private readonly string _keyColumn;
    private readonly string _keyNames;

    public DirectSink(BinaryCopyWriter writer, Contract contract, long fileId, RejectSpool rejects, InFileKeySet? keys)
    {
        _writer = writer;
        _types = contract.OutputColumns.Select(c => c.Type).ToArray();
        _fileId = fileId;
        _rejects = rejects;
        _keys = contract.PrimaryKey.Count > 0 ? keys : null;
        _keyColumn = string.Join(",", contract.PrimaryKey);
        _keyNames = string.Join(", ", contract.PrimaryKey);
    }

    /// <summary>Valid rows written so far.</summary>
    public long Accepted { get; private set; }

    /// <summary>Valid rows spooled as <c>primary-key</c> rejects because their key came earlier in the file.</summary>
    public long InFileDuplicates { get; private set; }

    public void HintKey(ReadOnlySpan<char> key) => _keys?.Prefetch(key);

    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
    {
        if (_keys?.FirstLineOrRemember(row.KeyText, row.Line) is { } firstLine)
        {
            // The staging path's error, field for field: the key's columns joined by ',', the staged key as the value.
            var message = RowMessages.InFileDuplicate(_keyNames, row.Key.Replace('\u001f', ','), firstLine);
            _rejects.Add(new RejectedRow(row.Line, row.RawRecord, [new CellError(_keyColumn, FileErrorCodes.PrimaryKey, message, row.Key)]), keyReject: true);
            InFileDuplicates++;
            return ValueTask.CompletedTask;
        }

        _writer.WriteRow(_types, row, _fileId, row.Line);
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
