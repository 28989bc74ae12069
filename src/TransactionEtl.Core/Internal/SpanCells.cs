using System.Runtime.CompilerServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Copies of the current row's cells that are checked on their text, in reused buffers, so that they need no string
/// per cell (a valid cell is copied only when its text is read later: see <see cref="ReadLater"/>). Only fields whose check depends on nothing but the default grammar are kept: a number or ISO date/time
/// with no custom format, or a plain string (ids, account numbers) checked by at most a length range and a one-class
/// pattern; no normalization but trim, and no enum, reference list or bounds.
/// </summary>
internal sealed class SpanCells
{
    private readonly bool[] _eligible;
    private readonly bool[] _readLater;
    private readonly bool[] _kept;
    private readonly char[][] _buffers;
    private readonly int[] _lengths;

    public SpanCells(FieldSpec[] fields, TaxSpec? tax)
    {
        var read = ReadByOthers(fields, tax);
        _eligible = fields.Select(f => Eligible(f) && !(f.Type == FieldType.String && read.Contains(f.Index))).ToArray();
        _readLater = fields.Select(f => f.Type == FieldType.String || f.ScaleFrom >= 0 || f.PrefixFrom >= 0).ToArray();
        _kept = new bool[fields.Length];
        _buffers = fields.Select(_ => new char[64]).ToArray();
        _lengths = new int[fields.Length];
    }

    private static bool Eligible(FieldSpec f) =>
        (((f.Type == FieldType.Number && f.NumberText is null) || (f.Type == FieldType.DateTime && f.TemporalFormat is null))
         || (f.Type == FieldType.String && f.Format == NamedFormat.Default && f.Reference is null && f.PrefixFrom < 0
             && (f.Pattern is null || f.Pattern.IsSingleClass)))
        && f.Normalize.All(step => step == NormalizationStep.Trim)
        && f.Enum is null && f.Minimum is null && f.Maximum is null && f.ExclusiveMinimum is null && f.ExclusiveMaximum is null;

    /// <summary>
    /// Fields whose typed value another step reads as a string (a currency for a scale, a country for a prefix, the
    /// tax inputs): those keep their string, so the kept-text form never reaches a reader that expects one.
    /// </summary>
    private static HashSet<int> ReadByOthers(FieldSpec[] fields, TaxSpec? tax)
    {
        var read = new HashSet<int>();
        foreach (var f in fields)
        {
            read.Add(f.ScaleFrom);
            read.Add(f.PrefixFrom);
        }
        if (tax is not null)
        {
            read.UnionWith([tax.Amount, tax.Currency, tax.Country, tax.Region, tax.Category, tax.Date, tax.PriceIncludesTax]);
        }
        return read;
    }

    /// <summary>Forgets a field's cell: the row lacks it, or it was valid and is not read later (<see cref="ReadLater"/>).</summary>
    public void Forget(int field) => _kept[field] = false;

    /// <summary>True for a field whose cells are checked on their text and kept here.</summary>
    public bool IsEligible(int field) => _eligible[field];

    /// <summary>
    /// True when a valid cell's text is still read after its check: a string's value is its text, and a number with
    /// a cross-field constraint (scaleFrom) quotes it in that constraint's message.
    /// </summary>
    public bool ReadLater(int field) => _readLater[field];

    /// <summary>Keeps a copy of an eligible field's cell.</summary>
    // Up to three cells a row: inlined into the validator's SetCheckedCell, with the buffer loaded once.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Keep(int field, ReadOnlySpan<char> text)
    {
        var buffer = _buffers[field];
        if (buffer.Length < text.Length)
        {
            buffer = Grow(field, text.Length);
        }
        text.CopyTo(buffer);
        _lengths[field] = text.Length;
        _kept[field] = true;
    }

    private char[] Grow(int field, int length) => _buffers[field] = new char[Math.Max(length, 2 * _buffers[field].Length)];

    public bool Kept(int field) => _kept[field];

    public ReadOnlySpan<char> Text(int field) => _buffers[field].AsSpan(0, _lengths[field]);

    /// <summary>Lends a kept cell's buffer to <paramref name="row"/> as a text column's value (its kept text, from the start).</summary>
    public void LendText(int field, ValidRow row, int column) => row.SetLentText(column, _buffers[field], _lengths[field]);
}
