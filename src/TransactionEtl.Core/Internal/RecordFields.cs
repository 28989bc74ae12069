using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The field boundaries of a one-line record without quotes, found in one vector pass over its text: the engine
/// slices its cells from the record instead of asking the CSV reader for each cell, and knows it spans one line.
/// </summary>
/// <remarks>
/// <para>Why: Sylvan's <c>GetFieldSpan</c> checks the reader's state twice and bounds-checks its field table on every
/// call, a large part of the record loop's own time (perf annotate of <c>ReadRecordsAsync</c>, session 12), and
/// counting the record's line breaks was another pass over it.</para>
/// <para>Exact by construction: in a record with no quote character every delimiter ends a field (the dialect's
/// escape is its quote, so nothing else escapes one), so the cells between two delimiters are the CSV reader's cells.
/// Only the last cell's end depends on how the reader strips the line break, so the caller takes that cell from the
/// reader. A record with a quote or a line break (CR or LF) in its text, or whose delimiter count disagrees with the
/// reader's field count, is not split: the caller asks the reader per cell and counts its line breaks, as before.</para>
/// </remarks>
internal sealed class RecordFields
{
    private readonly char _delimiter;
    private readonly char _quote;
    private int[] _delimiters = new int[32];

    public RecordFields(char delimiter, char quote)
    {
        _delimiter = delimiter;
        _quote = quote;
    }

    /// <summary>
    /// Finds the delimiters of <paramref name="record"/> (its text without its final line break): true when it has no
    /// quote, no CR or LF, and exactly <paramref name="fields"/> - 1 delimiters; then <see cref="Cell"/> gives every
    /// cell but the last.
    /// Always false without SSE2 (the caller then asks the reader per cell, as before).
    /// </summary>
    public bool TrySplit(ReadOnlySpan<char> record, int fields)
    {
        if (!Sse2.IsSupported)
        {
            return false;
        }
        if (fields - 1 > _delimiters.Length)
        {
            _delimiters = new int[Math.Max(fields, _delimiters.Length * 2)];
        }
        int found = Scan(record, _delimiters.AsSpan(0, Math.Max(fields - 1, 0)));
        return found == fields - 1;
    }

    /// <summary>Cell <paramref name="index"/> of the record last split, for any cell before the last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<char> Cell(ReadOnlySpan<char> record, int index)
    {
        int start = index == 0 ? 0 : _delimiters[index - 1] + 1;
        return record[start.._delimiters[index]];
    }

    /// <summary>
    /// Writes the index of each delimiter into <paramref name="positions"/>; returns how many there are, or -1 for a
    /// quote, a CR or LF, or more delimiters than <paramref name="positions"/> holds.
    /// </summary>
    private int Scan(ReadOnlySpan<char> record, Span<int> positions)
    {
        if (record.Length < 16)
        {
            return ScanShort(record, positions);
        }
        ref short first = ref Unsafe.As<char, short>(ref MemoryMarshal.GetReference(record));
        int count = 0;
        int i = 0;
        for (; i <= record.Length - 16; i += 16)
        {
            if (!Add(Step(ref first, i, 0), i, positions, ref count))
            {
                return -1;
            }
        }
        // The rest in one step ending at the record's end, past the characters already seen: no scalar tail per record.
        if (i < record.Length && !Add(Step(ref first, record.Length - 16, 16 - (record.Length - i)), i, positions, ref count))
        {
            return -1;
        }
        return count;
    }

    /// <summary>
    /// The 16 characters from <paramref name="at"/> (<see cref="CsvVectorStep"/>), without the first
    /// <paramref name="skip"/>: delimiter bits in the low half, and bit 16 up set if any is a quote, CR or LF.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Step(ref short first, int at, int skip)
    {
        uint masks = CsvVectorStep.Masks(ref first, at, Vector128.Create((short)_delimiter), Vector128.Create((short)_quote));
        uint stops = (masks >> 16) >> skip;
        uint delimiters = (masks & 0xFFFF) >> skip;
        return delimiters | ((ulong)stops << 16);
    }

    /// <summary>Appends the delimiters of a <see cref="Step"/> at <paramref name="i"/>; false for a stop or a full table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Add(ulong step, int i, Span<int> positions, ref int count)
    {
        uint bits = (uint)step & 0xFFFF;
        if ((step >> 16) != 0 || count + BitOperations.PopCount(bits) > positions.Length)
        {
            return false;
        }
        while (bits != 0)
        {
            positions[count++] = i + BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
        }
        return true;
    }

    private int ScanShort(ReadOnlySpan<char> record, Span<int> positions)
    {
        int count = 0;
        for (int i = 0; i < record.Length; i++)
        {
            char c = record[i];
            if (c == _quote || c == '\r' || c == '\n')
            {
                return -1;
            }
            if (c == _delimiter)
            {
                if (count == positions.Length)
                {
                    return -1;
                }
                positions[count++] = i;
            }
        }
        return count;
    }
}
