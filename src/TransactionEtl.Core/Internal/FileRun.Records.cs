using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sylvan.Data.Csv;

namespace TransactionEtl.Core.Internal;

/// <summary>Each data record: its cells to the validator, its key checked, then to the sink as valid or rejected.</summary>
internal sealed partial class FileRun
{
    private ValueTask ProcessRecord(CsvDataReader csv, long line, ReadOnlySpan<char> raw, bool split, CancellationToken cancellationToken)
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
        SetCells(csv, raw, split, _validator);
        return CheckRecord(line, raw, cancellationToken);
    }

    /// <summary>
    /// The key's slot is a cache miss per row in a large file, in validate's set and in the sink's (run): asked for now,
    /// so that validation overlaps it. Returns the key text handed over.
    /// </summary>
    private ReadOnlySpan<char> HandKeyEarly(RowValidator validator)
    {
        var early = validator.KeptValue(_earlyKeyField);
        if (_seenKeys is not null)
        {
            _seenKeys.Prefetch(early);
        }
        else
        {
            _keyHints!.HintKey(early);
        }
        return early;
    }

    /// <summary>The record's cells are set: validate, check its key, and hand it on as valid or rejected.</summary>
    private ValueTask CheckRecord(long line, ReadOnlySpan<char> raw, CancellationToken cancellationToken)
    {
        var validator = _validator;
        var pk = _contract.PrimaryKeyFields;
        bool asked = _earlyKeyField >= 0;
        var early = asked ? HandKeyEarly(validator) : default;
        validator.Validate(_errors, _row);
        string key = "";
        // A one-column id checked on the row's text is checked and goes to the sink as text: no string per row (issue 19).
        bool keyIsText = pk.Length == 1 && validator.IsKeptText(pk[0]);
        if (keyIsText)
        {
            if (_seenKeys is not null)
            {
                // The same memory and length as the prefetched text is the same text: a kept cell's buffer is written
                // only by SetCell (SpanCells.Keep), never by Validate. So its bytes and hash are reused, not compared.
                var kept = validator.KeptValue(pk[0]);
                bool prefetched = asked && kept.Length == early.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(kept), ref MemoryMarshal.GetReference(early));
                CheckKey(_seenKeys, kept, prefetched, line, raw);
            }
        }
        else if (pk.Length > 0 && validator.HasEveryValue(pk))
        {
            key = pk.Length == 1 ? KeyText(validator.TypedValue(pk[0])!) : string.Join('\u001f', pk.Select(i => KeyText(_validator.TypedValue(i)!)));
            if (_seenKeys is not null)
            {
                CheckKey(_seenKeys, key, prefetched: false, line, raw);
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

    /// <summary>
    /// The in-file duplicate check: a key the set holds is a repeat now. Past the set's budget (only for a sink that
    /// takes late rejects, and without unique fields, whose check depends on which rows were kept) the set stops
    /// growing and every further key it does not hold goes to <see cref="SpilledKeys"/>, which knows at the end
    /// (<see cref="ResolveSpilledKeys"/>) which of them repeat an earlier one: memory stays flat for any file.
    /// </summary>
    /// <remarks>
    /// The key is a span (the row's text, or a string made of its values): a string is made only for a repeat or a
    /// spilled key. <paramref name="prefetched"/>: the key is the text of the set's last Prefetch.
    /// </remarks>
    private void CheckKey(InFileKeys seen, ReadOnlySpan<char> key, bool prefetched, long line, ReadOnlySpan<char> raw)
    {
        long firstLine;
        if (prefetched ? seen.TryGetFirstLinePrefetched(out firstLine) : seen.TryGetFirstLine(key, out firstLine))
        {
            _errors.Add(DuplicateError(key.ToString(), firstLine));
        }
        else if (_spilled is not null)
        {
            _spilled.Add(key.ToString(), line, raw, accepted: _errors.Count == 0);
        }
        else if (_errors.Count == 0)
        {
            if (_unique is null && _sink is ILateRejectSink && !seen.CanAdd(key.Length, _options.DuplicateCheckBudgetBytes))
            {
                _spilled = new SpilledKeys(_options.DuplicateCheckHashRemap);
                _spilled.Add(key.ToString(), line, raw, accepted: true);
            }
            else
            {
                seen.AddProbed(line);
            }
        }
    }

    private CellError DuplicateError(string key, long firstLine)
    {
        string names = string.Join(", ", _contract.PrimaryKey);
        string shown = key.Replace('\u001f', ',');
        return new CellError(_contract.Fields[_contract.PrimaryKeyFields[0]].Name, FileErrorCodes.PrimaryKey,
            RowMessages.InFileDuplicate(names, shown, firstLine), shown);
    }

    /// <summary>After the last record: the spilled keys' repeats become rejects, in the counts and at the sink.</summary>
    private void ResolveSpilledKeys(CancellationToken cancellationToken)
    {
        if (_spilled is null || _sink is not ILateRejectSink late)
        {
            return;
        }
        _spilled.Resolve((line, key, firstLine, acceptedRaw) =>
        {
            var error = DuplicateError(key, firstLine);
            _reasons[error.Code] = _reasons.GetValueOrDefault(error.Code) + 1;
            if (acceptedRaw is not null)
            {
                _rowsValid--;
                _rowsRejected++;
            }
            late.LateReject(line, acceptedRaw, error);
        }, cancellationToken);
        _spilled.Dispose();
        _spilled = null;
    }

    /// <summary>
    /// Hands the record's cells to the validator by field; a short row marks its missing cells, a long one is an error.
    /// A <paramref name="split"/> record's cells come from <see cref="_fields"/>, others from the reader.
    /// </summary>
    // Per record: inlined so that naming the step costs no call on the hot path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetCells(CsvDataReader csv, ReadOnlySpan<char> record, bool split, RowValidator validator)
    {
        int cells = csv.RowFieldCount;
        int columns = _columnToField.Length;
        int shown = Math.Min(cells, columns);
        if (split)
        {
            // Every cell from the split, each from the end of the one before: the record's text has no line break,
            // so its last cell runs to its end.
            int sliced = Math.Min(shown, cells - 1);
            int from = 0;
            for (int c = 0; c < sliced; c++)
            {
                int to = _fields.CellEnd(c);
                int field = _columnToField[c];
                if (field >= 0)
                {
                    validator.SetCell(field, record[from..to]);
                }
                from = to + 1;
            }
            if (sliced < shown && _columnToField[sliced] is var last and >= 0)
            {
                validator.SetCell(last, record[from..]);
            }
        }
        else
        {
            for (int c = 0; c < shown; c++)
            {
                int field = _columnToField[c];
                if (field >= 0)
                {
                    validator.SetCell(field, csv.GetFieldSpan(c));
                }
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
            long expected = (long)((double)_textBytes * _rowsTotal / _recordChars);
            if (_unique is null && _sink is ILateRejectSink)
            {
                // A table for more keys than the budget holds would only take the arena's room: a quarter of it, at 75 % load.
                expected = Math.Min(expected, _options.DuplicateCheckBudgetBytes / 16 * 3 / 4);
            }
            _seenKeys.Reserve(expected);
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
