using System.Runtime.CompilerServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Checks, normalizes, types and taxes one row's cells (already mapped to contract fields), collecting every
/// error. One instance per file, reused for every row: no allocation per row beyond the values themselves.
/// </summary>
internal sealed partial class RowValidator
{
    // One box each for the whole run instead of one per row.
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    private readonly Contract _contract;
    private readonly FieldSpec[] _fields;
    private readonly int _maxFieldChars;
    private readonly bool[] _ok;
    private readonly DateOnly[] _writtenDate;
    private readonly CellMemo?[] _memos;
    private readonly bool[] _known;

    // Per field, for the current row, owned here (the caller goes through SetCell and MarkMissing). Cells: as
    // written, null when the file has no column for the field. Missing: the column exists but the (short) row
    // lacks the cell. Typed: set by Validate. Nothing is cleared between rows: every per-row cell and flag of a field
    // (cell, missing, known, kept) is written by the SetCell or MarkMissing that every row makes for every field with
    // a column, and a field without a column never has one set (four array clears per row were ~1 % of a load, issue 19).
    private readonly string?[] _cells;
    private readonly bool[] _missing;
    private readonly TypedSlot[] _typed;

    // Number and date/time values stay unboxed: _typed holds Unboxed and the value is here (see TypedValue).
    private readonly decimal[] _numbers;
    private readonly DateTime[] _timestamps;

    // Per field: what the cross-field and tax steps look up about its value (a currency's minor unit, a country's tax
    // rules), resolved once per distinct value and remembered with it; set in the row wherever the value is.
    private readonly CellFacts[] _facts;

    // Per memoized field: the memo entry that the current row's cell was found in, or -1 (a miss, a missing cell).
    // A hit stores only the typed value and this index; the cell string and the facts stay in the entry until a
    // message or a step reads them (CellText, Facts): two fewer reference stores, each a write barrier, per hit.
    private readonly int[] _memoEntry;
    private readonly bool[] _currencySource;
    private readonly int _taxCountry;

    // The fields with a cross-field constraint (scaleFrom, prefixFrom), so that a row does not walk every field for them.
    private readonly FieldSpec[] _crossFields;

    // The fields with an output column, so that a valid row does not walk every field for them.
    private readonly FieldSpec[] _outputFields;

    // The tax step's resolution of an empty price_includes_tax on this row: what SetOutputs stores.
    private bool _resolvedIncludesTax;

    // The number of fields not valid on this row (Validate, CheckCrossField): with none, the tax step need not ask
    // each of its inputs.
    private int _failed;

    public RowValidator(Contract contract, int maxFieldChars)
    {
        _contract = contract;
        _fields = contract.Fields;
        _maxFieldChars = maxFieldChars;
        _cells = new string?[_fields.Length];
        _missing = new bool[_fields.Length];
        _typed = new TypedSlot[_fields.Length];
        _ok = new bool[_fields.Length];
        _writtenDate = new DateOnly[_fields.Length];
        _known = new bool[_fields.Length];
        // Only string and boolean checks depend on the text alone; a date also leaves its written date behind.
        _memos = _fields.Select(f => f.Type is FieldType.String or FieldType.Boolean ? new CellMemo() : null).ToArray();
        _numbers = new decimal[_fields.Length];
        _timestamps = new DateTime[_fields.Length];
        _spanCells = new SpanCells(_fields, contract.Tax);
        _facts = new CellFacts[_fields.Length];
        _memoEntry = new int[_fields.Length];
        Array.Fill(_memoEntry, -1);
        _currencySource = _fields.Select(f => _fields.Any(g => g.ScaleFrom == f.Index) || contract.Tax?.Currency == f.Index).ToArray();
        _taxCountry = contract.Tax?.Country ?? -1;
        _crossFields = _fields.Where(f => f.ScaleFrom >= 0 || f.PrefixFrom >= 0).ToArray();
        _outputFields = _fields.Where(f => f.OutputIndex >= 0).ToArray();
    }

    /// <summary>Marks a field whose column exists in the header but whose cell the (short) row lacks.</summary>
    public void MarkMissing(int field)
    {
        _missing[field] = true;
        _cells[field] = null;
        _known[field] = false;
        _memoEntry[field] = -1;
        _spanCells.Forget(field);
    }

    /// <summary>A field's typed value after <see cref="Validate"/> (null for empty optional cells).</summary>
    public object? TypedValue(int field) => _typed[field].Value == Unboxed ? Boxed(field) : _typed[field].Value == KeptText ? KeptString(field) : _typed[field].Value;

    /// <summary>True when every one of <paramref name="fields"/> has a typed value (none empty or invalid).</summary>
    public bool HasEveryValue(int[] fields)
    {
        foreach (int i in fields)
        {
            if (_typed[i].Value is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sets a field's cell from the record's text: the string (and outcome) of an equal earlier valid cell when remembered.</summary>
    // Two paths, each a method of its own reached by a jump (a tail call): this method needs no frame of its own, and
    // neither path pays for the other's registers.
    public void SetCell(int field, ReadOnlySpan<char> text)
    {
        _missing[field] = false;
        if (_spanCells.IsEligible(field))
        {
            SetCheckedCell(field, text);
            return;
        }
        SetRememberedCell(field, text);
    }

    /// <summary>The facts of a valid field's value: from its memo entry on a hit, else as Validate resolved them.</summary>
    // Read by the scale check and the tax step on every row: inlined, as a call it cost as much as the read.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private CellFacts Facts(int field) => _memoEntry[field] >= 0 ? _memos[field]!.FactsAt(_memoEntry[field]) : _facts[field];

    /// <summary>Validates the current cells; adds every error to <paramref name="errors"/>; fills <paramref name="values"/> (output order) when valid.</summary>
    public void Validate(List<CellError> errors, ValidRow values)
    {
        // Most cells arrive known valid (a memo hit, a kept cell checked in SetCell): for those the loop only sets the
        // flag. Spans of one length, so that neither array is bounds-checked per field (issue 19: ~14 instructions a field).
        var known = _known.AsSpan(0, _fields.Length);
        var ok = _ok.AsSpan(0, known.Length);
        _failed = 0;
        for (int i = 0; i < ok.Length; i++)
        {
            if (known[i])
            {
                ok[i] = true;
                continue;
            }
            ok[i] = CheckCell(i, errors);
            if (!ok[i])
            {
                _failed++;
            }
        }
        CheckCrossField(errors);
        var tax = _contract.Tax;
        if (tax is not null)
        {
            ApplyTax(tax, errors, values);
        }
        if (errors.Count > 0)
        {
            return;
        }
        foreach (var f in _outputFields)
        {
            SetOutput(values, f);
        }
        if (tax is not null && tax.PriceIncludesTax >= 0)
        {
            // The tax step resolved an empty price_includes_tax to the rule's default; store what was applied.
            values.SetValue(_fields[tax.PriceIncludesTax].OutputIndex, _resolvedIncludesTax ? BoxedTrue : BoxedFalse);
        }
    }

    /// <summary>A cell not known valid on arrival: missing, or checked here (and remembered when its field has a memo).</summary>
    private bool CheckCell(int i, List<CellError> errors)
    {
        if (_missing[i])
        {
            _typed[i].Value = null; // not the previous row's value
            return false;
        }

        if (!CheckField(_fields[i], CellText(i), errors))
        {
            return false;
        }
        _facts[i] = Resolve(i);
        if (_cells[i] is { } cell && _memos[i] is { Enabled: true } memo)
        {
            memo.Add(cell, _typed[i].Value, _facts[i]);
        }
        return true;
    }

    private void CheckCrossField(List<CellError> errors)
    {
        foreach (var f in _crossFields)
        {
            if (!_ok[f.Index] || _typed[f.Index].Value is null)
            {
                continue;
            }
            if (f.ScaleFrom >= 0 && _ok[f.ScaleFrom] && _typed[f.ScaleFrom].Value is string currency)
            {
                int minor = Facts(f.ScaleFrom).MinorUnit;
                // The decimal keeps the scale as written (12.50 has 2), whatever decimalChar or bareNumber removed.
                int decimals = NumberValue(f.Index).Scale;
                if (decimals > minor)
                {
                    ScaleError(f, decimals, currency, minor, errors);
                }
            }
            if (f.PrefixFrom >= 0 && _ok[f.PrefixFrom] && _typed[f.PrefixFrom].Value is string prefix)
            {
                string value = (string)_typed[f.Index].Value!;
                if (!(value.Length > prefix.Length && value.StartsWith(prefix, StringComparison.Ordinal) && value[prefix.Length] == '-'))
                {
                    PrefixError(f, value, prefix, errors);
                }
            }
        }
    }

    // The two failures apart from the loop: their messages' locals made CheckCrossField's frame (zeroed per call) large.
    private void ScaleError(FieldSpec f, int decimals, string currency, int minor, List<CellError> errors)
    {
        errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError,
            $"{f.Name} '{CellText(f.Index).Trim()}' has {decimals} decimals; {currency} allows at most {minor}", CellText(f.Index)));
        _ok[f.Index] = false;
        _failed++;
    }

    private void PrefixError(FieldSpec f, string value, string prefix, List<CellError> errors)
    {
        errors.Add(new CellError(f.Name, FileErrorCodes.ConstraintError,
            $"{f.Name} '{value}' does not belong to {_fields[f.PrefixFrom].Name} '{prefix}'; expected a code starting with {prefix}-", CellText(f.Index)));
        _ok[f.Index] = false;
        _failed++;
    }

    /// <summary>The facts of a field's valid value, looked up (once per distinct value when its field is remembered).</summary>
    private CellFacts Resolve(int field)
    {
        if (_typed[field].Value is not string value || (!_currencySource[field] && field != _taxCountry))
        {
            return CellFacts.None;
        }
        // A currency source has the iso4217 reference (the contract requires it), so a valid value is in the table.
        int minor = _currencySource[field] ? ReferenceData.Currencies[value] : -1;
        return new CellFacts(minor, field == _taxCountry ? _contract.Tax!.Rules.CandidatesFor(value) : null);
    }
}
