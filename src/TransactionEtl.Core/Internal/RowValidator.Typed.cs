using System.Runtime.CompilerServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Unboxed numbers and date/times, and the cells checked on the record's text without a string (issue 19: a string
/// per cell and a box per typed value were most of the engine's allocations).
/// </summary>
internal sealed partial class RowValidator
{
    // In _typed: the value is in _numbers (a number field) or _timestamps (a date/time field), not boxed.
    private static readonly object Unboxed = new();

    // In _typed: a string field's value is its kept text (trimmed when the field trims), not yet a string.
    private static readonly object KeptText = new();

    private readonly SpanCells _spanCells;

    // A field's typed value in a struct, not an object?[] element: a store into a field is a plain write, where one
    // into an array of objects goes through the runtime's covariance check (StelemRef, ~1 % of a load; issue 19).
    private struct TypedSlot
    {
        public object? Value;
    }

    /// <summary>A number or date/time value boxed, for the few readers that need an object (keys, bounds).</summary>
    private object Boxed(int field) => _fields[field].Type == FieldType.Number ? _numbers[field] : _timestamps[field];

    /// <summary>A number field's value, kept unboxed or (after a bounds check) boxed.</summary>
    // Read by the scale check and the tax step on every row: inlined (as Facts).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private decimal NumberValue(int field) => _typed[field].Value == Unboxed ? _numbers[field] : (decimal)_typed[field].Value!;

    private static bool HasBounds(FieldSpec f) =>
        f.Minimum is not null || f.Maximum is not null || f.ExclusiveMinimum is not null || f.ExclusiveMaximum is not null;

    /// <summary>The cell as written, as a string: made from the kept text only when a message or a slower check needs it.</summary>
    private string CellText(int field)
    {
        if (_cells[field] is null)
        {
            if (_memoEntry[field] >= 0)
            {
                return _memos[field]!.CellAt(_memoEntry[field]);
            }
            if (_spanCells.Kept(field))
            {
                _cells[field] = _spanCells.Text(field).ToString();
            }
        }
        return _cells[field] ?? "";
    }

    /// <summary>True when a string field's value, after <see cref="Validate"/>, is its kept text (valid, not yet a string).</summary>
    public bool IsKeptText(int field) => _typed[field].Value == KeptText;

    /// <summary>A kept string cell's value: the text as written, trimmed when its field trims (Normalizer's trim is string.Trim).</summary>
    // Read four or five times a valid row (the key's hint and check, the row's key, the output): a valid cell was kept
    // already trimmed (SetCheckedCell), so it is the kept text itself, inlined; only a failed cell, kept as written for
    // its message, is trimmed here (the key's early hint reads it before validation).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<char> KeptValue(int field) => _known[field] ? _spanCells.Text(field) : TrimmedKeptText(field);

    private ReadOnlySpan<char> TrimmedKeptText(int field) =>
        _fields[field].Normalize.Length == 0 ? _spanCells.Text(field) : _spanCells.Text(field).Trim();

    /// <summary>A kept string cell's value as a string, made once per row for the readers that need one (the key, unique).</summary>
    private string KeptString(int field)
    {
        string value = KeptValue(field).ToString();
        _typed[field].Value = value;
        return value;
    }

    // Per output column of a valid row: inlined into Validate's loop (a call per column cost as much as its work).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetOutput(ValidRow row, FieldSpec f)
    {
        if (_typed[f.Index].Value == KeptText)
        {
            // A kept text is valid, so its buffer holds the value itself (KeptValue): the row reads it there until the
            // next row's SetCell, after the sink has taken this one.
            _spanCells.LendText(f.Index, row, f.OutputIndex);
        }
        else if (_typed[f.Index].Value != Unboxed)
        {
            row.SetValue(f.OutputIndex, _typed[f.Index].Value);
        }
        else if (f.Type == FieldType.Number)
        {
            row.SetDecimal(f.OutputIndex, _numbers[f.Index]);
        }
        else
        {
            row.SetDateTime(f.OutputIndex, _timestamps[f.Index]);
        }
    }

    /// <summary>A cell that is not checked on its text: the remembered string and value of an equal earlier valid cell, else a string.</summary>
    private void SetRememberedCell(int field, ReadOnlySpan<char> text)
    {
        var memo = _memos[field];
        int entry = memo is { Enabled: true } ? memo.IndexOf(text) : -1;
        _memoEntry[field] = entry;
        if (entry >= 0)
        {
            _cells[field] = null; // the entry's string, read by CellText when a message needs it
            _typed[field].Value = memo!.TypedAt(entry);
            _known[field] = true;
            return;
        }

        _cells[field] = text.ToString();
        _known[field] = false;
    }

    /// <summary>
    /// A cell of a field that <see cref="SpanCells"/> keeps, checked on the record's text as it arrives, in the pass
    /// that would otherwise only copy it (issue 19): a valid number or date/time is not copied at all unless a later
    /// message quotes it. A cell that fails here is kept as written and checked again as a string by
    /// <see cref="Validate"/> (<see cref="CheckField"/>, in field order), which reports it exactly as before.
    /// </summary>
    private void SetCheckedCell(int field, ReadOnlySpan<char> text)
    {
        _cells[field] = null; // made from the kept text when a message needs it (CellText)
        var f = _fields[field];
        // SpanCells keeps only fields whose steps are all trim; string.Trim and the span's Trim cut the same characters.
        var v = f.Normalize.Length == 0 ? text : text.Trim();
        // Within the size limit and not a missing value: else the string path reports or accepts it. (No typed value is
        // cleared for a cell that fails here: CheckField, which every such cell reaches, clears it first.)
        bool valid = text.Length <= _maxFieldChars && !f.IsMissing(v) && TryConvertKept(f, v);
        _known[field] = valid;
        if (valid && f.Type != FieldType.String && !_spanCells.ReadLater(field))
        {
            _spanCells.Forget(field);
            return;
        }
        // A valid string keeps its value (trimmed), which is all that is read of it later (KeptValue: the key, the
        // output); any other kept cell keeps its text as written, which a message quotes (CellText).
        _spanCells.Keep(field, valid && f.Type == FieldType.String ? v : text);
    }

    /// <summary>
    /// The common case of a kept cell, on its trimmed text <paramref name="v"/> (within the size limit, not a missing
    /// value): a valid number or ISO date/time, or a string that passes its checks. False for anything else, and
    /// <see cref="CheckField"/> then checks the cell as a string exactly as before, so every error and its message come
    /// from one place.
    /// </summary>
    // Per kept cell: inlined into SetCheckedCell, whose frame it then shares.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryConvertKept(FieldSpec f, ReadOnlySpan<char> v)
    {
        if (f.Type == FieldType.String)
        {
            return TryCheckKeptText(f, v);
        }
        bool parsed = f.Type == FieldType.Number
            ? DecimalText.TryParse(v, out _numbers[f.Index], out _)
            : IsoTimestamp.TryParse(v, out _timestamps[f.Index], out _writtenDate[f.Index]);
        if (parsed)
        {
            _typed[f.Index].Value = Unboxed;
        }
        return parsed;
    }

    /// <summary>
    /// A plain string cell that passes its length range and one-class pattern (the checks of <see cref="CheckText"/>
    /// that such a field has, in the same terms); false for anything else, which the string path then reports.
    /// </summary>
    // Per kept string cell: inlined into SetCheckedCell (through TryConvertKept), whose frame it then shares.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryCheckKeptText(FieldSpec f, ReadOnlySpan<char> v)
    {
        if (f.MinLength is { } min && v.Length < 2 * min && TextLength(v) < min)
        {
            return false;
        }
        if (f.MaxLength is { } max && v.Length > max && TextLength(v) > max)
        {
            return false;
        }
        if (f.Pattern is not null && !f.Pattern.IsMatch(v))
        {
            return false;
        }
        _typed[f.Index].Value = KeptText;
        return true;
    }
}
