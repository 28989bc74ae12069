namespace TransactionEtl.Core.Internal;

/// <summary>
/// Copies of the current row's number and date/time cells in reused buffers, so that they are checked without a
/// string per cell. Only fields whose check depends on nothing but the default grammar are kept: a number or ISO
/// date/time with no custom format, no normalization but trim, and no enum or bounds.
/// </summary>
internal sealed class SpanCells
{
    private readonly bool[] _eligible;
    private readonly bool[] _kept;
    private readonly char[][] _buffers;
    private readonly int[] _lengths;

    public SpanCells(FieldSpec[] fields)
    {
        _eligible = fields.Select(Eligible).ToArray();
        _kept = new bool[fields.Length];
        _buffers = fields.Select(_ => new char[64]).ToArray();
        _lengths = new int[fields.Length];
    }

    private static bool Eligible(FieldSpec f) =>
        ((f.Type == FieldType.Number && f.NumberText is null) || (f.Type == FieldType.DateTime && f.TemporalFormat is null))
        && f.Normalize.All(step => step == NormalizationStep.Trim)
        && f.Enum is null && f.Minimum is null && f.Maximum is null && f.ExclusiveMinimum is null && f.ExclusiveMaximum is null;

    public void Clear() => Array.Clear(_kept);

    /// <summary>Keeps a copy of the cell when its field is eligible; false (nothing kept) otherwise.</summary>
    public bool TryKeep(int field, ReadOnlySpan<char> text)
    {
        if (!_eligible[field])
        {
            return false;
        }
        if (_buffers[field].Length < text.Length)
        {
            _buffers[field] = new char[Math.Max(text.Length, 2 * _buffers[field].Length)];
        }
        text.CopyTo(_buffers[field]);
        _lengths[field] = text.Length;
        _kept[field] = true;
        return true;
    }

    public bool Kept(int field) => _kept[field];

    public ReadOnlySpan<char> Text(int field) => _buffers[field].AsSpan(0, _lengths[field]);
}
