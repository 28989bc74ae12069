using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    // What a column holds; internal for the binary COPY writer, which reads the kinds through GetCells.
    internal const byte Reference = 0;
    internal const byte Number = 1;
    internal const byte Timestamp = 2;
    internal const byte Text = 3;

    private readonly object?[] _values;
    // Structs, not object?[]: a store into an object?[] is checked for array covariance (StelemRef) on every row.
    private readonly ReferenceSlot[] _references;
    private readonly decimal[] _numbers;
    private readonly DateTime[] _timestamps;
    private readonly byte[] _kinds;
    private readonly char[]?[] _texts;
    private readonly int[] _textLengths;
    // Per column: its text buffer is lent by the engine (SetLentText), so SetText must not write into it.
    private readonly bool[] _lentTexts;
    private bool _boxed;

    /// <summary>Creates a row buffer for <paramref name="columnCount"/> output columns.</summary>
    public ValidRow(int columnCount)
    {
        _values = new object?[columnCount];
        _references = new ReferenceSlot[columnCount];
        _numbers = new decimal[columnCount];
        _timestamps = new DateTime[columnCount];
        _kinds = new byte[columnCount];
        _texts = new char[]?[columnCount];
        _textLengths = new int[columnCount];
        _lentTexts = new bool[columnCount];
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

    private char[] _keyBuffer = [];
    private int _keyLength;
    private string? _key = "";

    /// <summary>The primary key value(s) as text, for duplicate detection.</summary>
    /// <remarks>Made on first read when the engine set it from the row's text (<see cref="KeyText"/> reads it without a string).</remarks>
    public string Key
    {
        get => _key ??= new string(_keyBuffer, 0, _keyLength);
        set => _key = value;
    }

    /// <summary>The primary key's text, as <see cref="Key"/> has it, without making a string.</summary>
    public ReadOnlySpan<char> KeyText => _key is null ? _keyBuffer.AsSpan(0, _keyLength) : _key.AsSpan();

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
    public bool IsNull(int column) => _kinds[column] == Reference && _references[column].Value is null;

    /// <summary>A numeric column's value, unboxed.</summary>
    public decimal GetDecimal(int column) => _kinds[column] == Number ? _numbers[column] : (decimal)_references[column].Value!;

    /// <summary>A date/time column's value (UTC), unboxed.</summary>
    public DateTime GetDateTime(int column) => _kinds[column] == Timestamp ? _timestamps[column] : (DateTime)_references[column].Value!;

    /// <summary>
    /// A text column's characters when the row holds them as text rather than as a string (ids and other plain
    /// strings checked on the record's text); false otherwise, and <see cref="GetValue"/> has the value.
    /// </summary>
    public bool TryGetText(int column, out ReadOnlySpan<char> text)
    {
        if (_kinds[column] == Text)
        {
            text = _texts[column].AsSpan(0, _textLengths[column]);
            return true;
        }

        text = default;
        return false;
    }

    /// <summary>
    /// The row's storage, for a writer that reads every column of every row: one read of each array per row instead
    /// of an accessor call per value (the accessors were a twentieth of the loader's COPY formatting).
    /// </summary>
    internal Cells GetCells() => new(_kinds, AsObjects(_references), _numbers, _timestamps, _texts, _textLengths);

    // A slot is one reference field, laid out as the reference itself: the writer reads the slots as objects.
    private static ReadOnlySpan<object?> AsObjects(ReferenceSlot[] slots) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<ReferenceSlot, object?>(ref MemoryMarshal.GetArrayDataReference(slots)), slots.Length);

    private struct ReferenceSlot
    {
        public object? Value;
    }

    /// <summary>
    /// A view of the row's columns: <see cref="Kinds"/> says which span has column i's value (<see cref="Reference"/>:
    /// <see cref="References"/>, null for an empty cell; <see cref="Number"/>; <see cref="Timestamp"/>; <see cref="Text"/>:
    /// the first <see cref="TextLengths"/>[i] characters of <see cref="Texts"/>[i]). Valid until the row's next use.
    /// </summary>
    internal readonly ref struct Cells(
        byte[] kinds, ReadOnlySpan<object?> references, decimal[] numbers, DateTime[] timestamps, char[]?[] texts, int[] textLengths)
    {
        public ReadOnlySpan<byte> Kinds { get; } = kinds;
        public ReadOnlySpan<object?> References { get; } = references;
        public ReadOnlySpan<decimal> Numbers { get; } = numbers;
        public ReadOnlySpan<DateTime> Timestamps { get; } = timestamps;
        public ReadOnlySpan<char[]?> Texts { get; } = texts;
        public ReadOnlySpan<int> TextLengths { get; } = textLengths;

        /// <summary>Column <paramref name="column"/>'s characters; only for a column of kind <see cref="Text"/>.</summary>
        public ReadOnlySpan<char> TextAt(int column) => Texts[column].AsSpan(0, TextLengths[column]);
    }

    /// <summary>A column's value as an object: the string or reference itself, or a box for a number or timestamp.</summary>
    public object? GetValue(int column) => _kinds[column] switch
    {
        Number => _numbers[column],
        Timestamp => _timestamps[column],
        Text => new string(_texts[column].AsSpan(0, _textLengths[column])),
        _ => _references[column].Value,
    };

    internal void SetValue(int column, object? value)
    {
        _kinds[column] = Reference;
        _references[column].Value = value;
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

    /// <summary>Keeps a copy of a string column's value in a reused buffer; <see cref="GetValue"/> makes the string if asked.</summary>
    internal void SetText(int column, ReadOnlySpan<char> value)
    {
        var buffer = _texts[column];
        if (buffer is null || buffer.Length < value.Length || _lentTexts[column])
        {
            buffer = _texts[column] = new char[Math.Max(Math.Max(value.Length, 32), 2 * (buffer?.Length ?? 0))];
            _lentTexts[column] = false;
        }

        value.CopyTo(buffer);
        _textLengths[column] = value.Length;
        _kinds[column] = Text;
        _boxed = false;
    }

    /// <summary>
    /// A text column's value as the first <paramref name="length"/> characters of <paramref name="buffer"/>, read in
    /// place, not copied: the caller lends the buffer and leaves those characters as they are until the row's next
    /// use (the validator's kept cells: a copy per id and account was ~100 instructions a row, issue 19).
    /// </summary>
    internal void SetLentText(int column, char[] buffer, int length)
    {
        // The same buffer on every row: stored once, so that a row makes no reference store (a write barrier).
        if (!ReferenceEquals(_texts[column], buffer))
        {
            _texts[column] = buffer;
            _lentTexts[column] = true;
        }
        _textLengths[column] = length;
        _kinds[column] = Text;
        _boxed = false;
    }

    /// <summary>Keeps a copy of a one-column key in a reused buffer; <see cref="Key"/> makes the string if asked.</summary>
    internal void SetKeyText(ReadOnlySpan<char> key)
    {
        if (_keyBuffer.Length < key.Length)
        {
            _keyBuffer = new char[Math.Max(Math.Max(key.Length, 32), 2 * _keyBuffer.Length)];
        }

        key.CopyTo(_keyBuffer);
        _keyLength = key.Length;
        _key = null;
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
