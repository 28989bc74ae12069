namespace TransactionEtl.Core;

/// <summary>
/// A row that passed every rule, typed and transformed. The engine reuses one instance for the whole file:
/// a sink must consume it before its <see cref="IRowSink.AcceptAsync"/> returns and must not keep it.
/// </summary>
public sealed class ValidRow
{
    /// <summary>Creates a row buffer for <paramref name="columnCount"/> output columns.</summary>
    public ValidRow(int columnCount) => Values = new object?[columnCount];

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

    /// <summary>The values, aligned with the contract's output columns.</summary>
    public object?[] Values { get; }

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
