using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace TransactionEtl.Core.Internal;

/// <summary>One contract field, compiled for the hot loop: everything resolved to indexes and ready checks.</summary>
internal sealed class FieldSpec
{
    private readonly string[] _missingValues = [""];
    // MissingValues split for IsMissing: the empty text, the usual (and often the only) one, and the others.
    private readonly bool _emptyIsMissing = true;
    private readonly string[] _otherMissing = [];

    public required string Name { get; init; }
    public required int Index { get; init; }
    public required FieldType Type { get; init; }
    public string[] Labels { get; init; } = [];
    public NormalizationStep[] Normalize { get; init; } = [];
    public bool Required { get; init; }
    public PatternMatcher? Pattern { get; init; }
    public string? PatternText { get; init; }
    public FrozenSet<string>? Enum { get; init; }
    public string[]? EnumValues { get; init; }
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }
    public IComparable? Minimum { get; init; }
    public IComparable? Maximum { get; init; }
    public string? Reference { get; init; }
    public int ScaleFrom { get; set; } = -1;
    public int PrefixFrom { get; set; } = -1;
    public int OutputIndex { get; set; } = -1;
    public string[] TrueValues { get; init; } = [];
    public string[] FalseValues { get; init; } = [];
    public string[] MissingValues
    {
        get => _missingValues;
        init
        {
            _missingValues = value;
            _emptyIsMissing = value.Contains("");
            _otherMissing = value.Where(m => m.Length > 0).ToArray();
        }
    }
    public string? Hint { get; init; }

    /// <summary>decimalChar/groupChar/bareNumber of a number or integer field; null when it uses none of them.</summary>
    public NumberText? NumberText { get; init; }

    /// <summary>The format of a date, time or datetime field other than default; null for the default form.</summary>
    public TemporalFormat? TemporalFormat { get; init; }
    public NamedFormat Format { get; init; }
    public IComparable? ExclusiveMinimum { get; init; }
    public IComparable? ExclusiveMaximum { get; init; }
    public bool Unique { get; init; }
    public string ListDelimiter { get; init; } = ",";
    public FieldType ListItemType { get; init; } = FieldType.String;

    /// <summary>True when <paramref name="value"/> (the cell after its normalization) is one of <see cref="MissingValues"/>.</summary>
    // Per cell, on both of the validator's paths: the empty text is one test instead of a loop that compares the cell
    // with each string.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsMissing(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return _emptyIsMissing;
        }
        foreach (var missing in _otherMissing)
        {
            if (value.SequenceEqual(missing))
            {
                return true;
            }
        }
        return false;
    }
}
