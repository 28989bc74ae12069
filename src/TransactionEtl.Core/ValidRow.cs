namespace TransactionEtl.Core;

/// <summary>
/// A row that passed every rule, typed and transformed. The engine reuses one instance for the whole file:
/// a sink must consume it before its <see cref="IRowSink.AcceptAsync"/> returns and must not keep it.
/// </summary>
/// <remarks>
/// Numbers and timestamps are kept unboxed: a sink that writes typed values reads them with
/// <see cref="GetDecimal"/> and <see cref="GetDateTime"/>, and a box is made only if someone reads
/// <see cref="Values"/>. Boxing the five decimals and the timestamp of a default-contract row was a sixth of the
/// client's allocations in a load (docs/performance.md, "Spans and typed values").
/// </remarks>
public sealed class ValidRow
{
    private const byte Reference = 0;
    private const byte Number = 1;
    private const byte Timestamp = 2;

    private readonly object?[] _values;
    private readonly object?[] _references;
    private readonly decimal[] _numbers;
    private readonly DateTime[] _timestamps;
    private readonly byte[] _kinds;
    private bool _boxed;

    /// <summary>Creates a row buffer for <paramref name="columnCount"/> output columns.</summary>
    public ValidRow(int columnCount)
    {
        _values = new object?[columnCount];
        _references = new object?[columnCount];
        _numbers = new decimal[columnCount];
        _timestamps = new DateTime[columnCount];
        _kinds = new byte[columnCount];
    }

    /// <summary>The physical line (1-based) where the record starts.</summary>
    public long Line { get; set; }

    private char[] _rawBuffer = [];
    private int _rawLength;
    private string? _raw = "";

    /// <summary>The record's text exactly as in the file (without its line break).</summary>
    /// <remarks>
    /// Made on first read: the loader's direct path stores only typed values, and a string per valid row was a
    /// fifth of the engine's allocations.
    /// </remarks>
    public string RawRecord
    {
        get => _raw ??= new string(_rawBuffer, 0, _rawLength);
        set => _raw = value;
    }

    /// <summary>The primary key value(s) as text, for duplicate detection.</summary>
    public string Key { get; set; } = "";

    /// <summary>The values, aligned with the contract's output columns (boxed on first read of each row).</summary>
    public object?[] Values
    {
        get
        {
            if (!_boxed)
            {
                for (int i = 0; i < _values.Length; i++)
                {
                    _values[i] = GetValue(i);
                }
                _boxed = true;
            }
            return _values;
        }
    }

    /// <summary>True when the column has no value (an empty optional cell).</summary>
    public bool IsNull(int column) => _kinds[column] == Reference && _references[column] is null;

    /// <summary>A numeric column's value, unboxed.</summary>
    public decimal GetDecimal(int column) => _kinds[column] == Number ? _numbers[column] : (decimal)_references[column]!;

    /// <summary>A date/time column's value (UTC), unboxed.</summary>
    public DateTime GetDateTime(int column) => _kinds[column] == Timestamp ? _timestamps[column] : (DateTime)_references[column]!;

    /// <summary>A column's value as an object: the string or reference itself, or a box for a number or timestamp.</summary>
    public object? GetValue(int column) => _kinds[column] switch
    {
        Number => _numbers[column],
        Timestamp => _timestamps[column],
        _ => _references[column],
    };

    internal void SetValue(int column, object? value)
    {
        _kinds[column] = Reference;
        _references[column] = value;
        _boxed = false;
    }

    internal void SetDecimal(int column, decimal value)
    {
        _kinds[column] = Number;
        _numbers[column] = value;
        _boxed = false;
    }

    internal void SetDateTime(int column, DateTime value)
    {
        _kinds[column] = Timestamp;
        _timestamps[column] = value;
        _boxed = false;
    }

    /// <summary>Keeps a copy of <paramref name="raw"/> in a reused buffer; <see cref="RawRecord"/> makes the string if asked.</summary>
    internal void SetRawRecord(ReadOnlySpan<char> raw)
    {
        if (_rawBuffer.Length < raw.Length)
        {
            _rawBuffer = new char[Math.Max(raw.Length, 2 * _rawBuffer.Length)];
        }

        raw.CopyTo(_rawBuffer);
        _rawLength = raw.Length;
        _raw = null;
    }
}
