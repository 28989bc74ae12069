using System.Runtime.CompilerServices;
using Sylvan.Data.Csv;

namespace TransactionEtl.Core.Internal;

/// <summary>Each data record: its cells to the validator, its key checked, then to the sink as valid or rejected.</summary>
internal sealed partial class FileRun
{
    private ValueTask ProcessRecord(CsvDataReader csv, long line, ReadOnlySpan<char> raw, CancellationToken cancellationToken)
    {
        _rowsTotal++;
        _recordChars += raw.Length + 1;
        if ((_rowsTotal & 1023) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_rowsTotal == ReserveKeysAfterRows)
            {
                ReserveKeys();
            }
        }
        SetCells(csv, _validator);
        return CheckRecord(line, raw, cancellationToken);
    }

    /// <summary>The record's cells are set: validate, check its key, and hand it on as valid or rejected.</summary>
    private ValueTask CheckRecord(long line, ReadOnlySpan<char> raw, CancellationToken cancellationToken)
    {
        var validator = _validator;
        validator.Validate(_errors, _row);
        string key = "";
        var pk = _contract.PrimaryKeyFields;
        // A one-column id checked on the row's text goes to the sink as text: no string per row (issue 19).
        bool keyIsText = pk.Length == 1 && _seenKeys is null && validator.IsKeptText(pk[0]);
        if (pk.Length > 0 && !keyIsText && validator.HasEveryValue(pk))
        {
            key = pk.Length == 1 ? KeyText(validator.TypedValue(pk[0])!) : string.Join('\u001f', pk.Select(i => KeyText(validator.TypedValue(i)!)));
            if (_seenKeys is not null)
            {
                if (_seenKeys.TryGetFirstLine(key, out long firstLine))
                {
                    string names = string.Join(", ", _contract.PrimaryKey);
                    _errors.Add(new CellError(_contract.Fields[pk[0]].Name, FileErrorCodes.PrimaryKey,
                        RowMessages.InFileDuplicate(names, key.Replace('\u001f', ','), firstLine), key.Replace('\u001f', ',')));
                }
                else if (_errors.Count == 0)
                {
                    _seenKeys.Add(key, line);
                }
            }
        }
        _unique?.Check(validator, _errors);
        if (_errors.Count == 0)
        {
            _unique?.Remember(line);
            _rowsValid++;
            _row.Line = line;
            _row.SetRawRecord(raw);
            if (keyIsText)
            {
                _row.SetKeyText(validator.KeptValue(pk[0]));
            }
            else
            {
                _row.Key = key;
            }
            return _sink.AcceptAsync(_row, cancellationToken);
        }
        return Reject(line, raw, cancellationToken);
    }

    /// <summary>Hands the record's cells to the validator by field; a short row marks its missing cells, a long one is an error.</summary>
    // Per record: inlined so that naming the step costs no call on the hot path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetCells(CsvDataReader csv, RowValidator validator)
    {
        validator.Clear();
        int cells = csv.RowFieldCount;
        int columns = _columnToField.Length;
        for (int c = 0; c < Math.Min(cells, columns); c++)
        {
            int field = _columnToField[c];
            if (field >= 0)
            {
                validator.SetCell(field, csv.GetFieldSpan(c));
            }
        }
        for (int c = cells; c < columns; c++)
        {
            int field = _columnToField[c];
            if (field >= 0)
            {
                validator.MarkMissing(field);
                _errors.Add(new CellError(_contract.Fields[field].Name, FileErrorCodes.MissingCell,
                    $"the row has {cells} cell(s) but the header has {columns}; {_contract.Fields[field].Name} (column {c + 1}) is missing", null));
            }
        }
        if (cells > columns)
        {
            // One error for all extra cells: a row of 10,000 stray delimiters must not make 10,000 errors.
            _errors.Add(new CellError(null, FileErrorCodes.ExtraCell,
                $"the row has {cells} cells but the header has {columns}; cell(s) {columns + 1}..{cells} have no column (a delimiter inside an unquoted value?)",
                csv.GetString(columns)));
        }
    }

    /// <summary>
    /// Sizes the duplicate set for the whole file once the first rows tell how long a record is: the file's size over
    /// that length. Text with multi-byte characters over-estimates (fewer chars than bytes), which only leaves the table emptier.
    /// </summary>
    private void ReserveKeys()
    {
        if (_seenKeys is not null && _textBytes > 0 && _recordChars > 0)
        {
            _seenKeys.Reserve((long)((double)_textBytes * _rowsTotal / _recordChars));
        }
    }

    private ValueTask Reject(long line, ReadOnlySpan<char> raw, CancellationToken cancellationToken)
    {
        _rowsRejected++;
        foreach (var error in _errors)
        {
            _reasons[error.Code] = _reasons.GetValueOrDefault(error.Code) + 1;
        }
        var rejected = new RejectedRow(line, raw.ToString(), _errors.ToArray());
        _errors.Clear();
        return _sink.RejectAsync(rejected, cancellationToken);
    }

    private static string KeyText(object value) => value switch
    {
        string s => s,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
