using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The field boundaries of one-line records without quotes, from the positions <see cref="FieldCountingReader"/> logs
/// while it counts fields: the engine slices a record's cells from its text instead of asking the CSV reader for each
/// cell (or scanning the record a second time), and knows it spans one line.
/// </summary>
/// <remarks>
/// <para>Why: Sylvan's <c>GetFieldSpan</c> checks the reader's state twice and bounds-checks its field table on every
/// call, a large part of the record loop's own time (perf annotate of <c>ReadRecordsAsync</c>, session 12); counting
/// the record's line breaks was another pass over it, and so was a split of its own (RecordFields.Scan, 2.7 % of a
/// load in session 13): the counter's stop search already compares every character with the delimiter, the quote, CR
/// and LF, so it writes down where they are.</para>
/// <para>The log holds the text positions (characters handed on by the counter, which are the characters the CSV
/// reader consumes: the sum of its raw records) of every delimiter and of every quote, CR and LF the counter stopped
/// at, in order. Entries before the record asked about are dropped as the records go by, so the log holds at most the
/// characters read ahead of the record loop (the CSV reader's buffer).</para>
/// <para>Exact by construction: in a record with no quote character every delimiter ends a field (the dialect's
/// escape is its quote, so nothing else escapes one), so the cells between two delimiters are the CSV reader's cells,
/// and the last one runs to the record's end (its text without the final line break, which the reader strips too).
/// A record with a quote or a line break (CR or LF) in its text, whose delimiter count disagrees with the reader's
/// field count, or whose line break is not where the log has one, is not split: the caller asks the reader per cell
/// and counts its line breaks, as before.</para>
/// </remarks>
internal sealed class RecordFields
{
    // Room for a whole vector step's delimiters, so that AddDelimiters writes without a check per position.
    private const int StepRoom = 32;

    private readonly char _delimiter;
    private readonly char _quote;
    private long[] _delimiters = new long[4096];
    private int _delimiterHead;
    private int _delimiterCount;
    private long[] _stops = new long[1024];
    private int _stopHead;
    private int _stopCount;
    // The record last split: where it starts in the text, and the index of its first delimiter in _delimiters.
    private long _start;
    private int _first;

    public RecordFields(char delimiter, char quote)
    {
        _delimiter = delimiter;
        _quote = quote;
    }

    /// <summary>Logs the delimiters of a vector step at text position <paramref name="at"/>: bit k of <paramref name="bits"/> for at + k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddDelimiters(long at, uint bits)
    {
        if (_delimiterCount > _delimiters.Length - StepRoom)
        {
            MakeRoom(ref _delimiters, ref _delimiterHead, ref _delimiterCount, ref _first);
        }
        // The room was made above for any 32-bit step: no bounds check per position on the counter's hot path.
        ref long slot = ref MemoryMarshal.GetArrayDataReference(_delimiters);
        int count = _delimiterCount;
        while (bits != 0)
        {
            Unsafe.Add(ref slot, count++) = at + BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
        }
        _delimiterCount = count;
    }

    /// <summary>Logs one delimiter at text position <paramref name="at"/>.</summary>
    public void AddDelimiter(long at) => AddDelimiters(at, 1);

    /// <summary>Logs a quote, CR or LF at text position <paramref name="at"/>.</summary>
    // Once per record on the counter's path: inlined (a call of its own was 28 Ir/row, session 14).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddStop(long at)
    {
        if (_stopCount == _stops.Length)
        {
            int unused = 0;
            MakeRoom(ref _stops, ref _stopHead, ref _stopCount, ref unused);
        }
        _stops[_stopCount++] = at;
    }

    /// <summary>
    /// Whether the record at text position <paramref name="start"/>, <paramref name="record"/> its text without its
    /// final line break and <paramref name="lineBreak"/> whether it had one, has no quote, CR or LF and exactly
    /// <paramref name="fields"/> - 1 delimiters in the log; then <see cref="CellEnd"/> (or <see cref="Cell"/>) gives
    /// its cells. Call it for every record, in order: it drops the entries before <paramref name="start"/>.
    /// </summary>
    public bool TrySplit(long start, ReadOnlySpan<char> record, bool lineBreak, int fields)
    {
        long end = start + record.Length;
        int s = _stopHead;
        while (s < _stopCount && _stops[s] < start)
        {
            s++;
        }
        _stopHead = s;
        int d = _delimiterHead;
        while (d < _delimiterCount && _delimiters[d] < start)
        {
            d++;
        }
        _delimiterHead = d;
        // No stop inside the text; the line break, if any, where the log has one: the record and the log agree.
        bool plain = s == _stopCount ? !lineBreak : lineBreak ? _stops[s] == end : _stops[s] >= end;
        int next = d + fields - 1;
        if (!plain || fields < 1 || next > _delimiterCount
            || (next < _delimiterCount && _delimiters[next] < end) || (next > d && _delimiters[next - 1] >= end))
        {
            return false;
        }
        _start = start;
        _first = d;
        _delimiterHead = next;
        return true;
    }

    /// <summary>
    /// <see cref="TrySplit(long, ReadOnlySpan{char}, bool, int)"/> for a record's text on its own (no counter in
    /// front, no line break): logs it first, replacing whatever the log held.
    /// </summary>
    public bool TrySplit(ReadOnlySpan<char> record, int fields)
    {
        _delimiterHead = _delimiterCount = _stopHead = _stopCount = 0;
        for (int i = 0; i < record.Length; i++)
        {
            char c = record[i];
            if (c == _delimiter)
            {
                AddDelimiter(i);
            }
            else if (c == _quote || c == '\r' || c == '\n')
            {
                AddStop(i);
            }
        }
        return TrySplit(0, record, lineBreak: false, fields);
    }

    /// <summary>Cell <paramref name="index"/> of the record last split, for any cell before the last.</summary>
    public ReadOnlySpan<char> Cell(ReadOnlySpan<char> record, int index) =>
        record[(index == 0 ? 0 : CellEnd(index - 1) + 1)..CellEnd(index)];

    /// <summary>
    /// Where cell <paramref name="index"/> (any before the last) of the record last split ends, as an index into its
    /// text. The engine walks the cells in order and slices each from the end of the one before (the last runs to
    /// the text's end): one read of the log a cell.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int CellEnd(int index) => (int)(_delimiters[_first + index] - _start);

    /// <summary>Drops the entries before <paramref name="head"/> (moving the rest to the front), or doubles the array.</summary>
    private static void MakeRoom(ref long[] entries, ref int head, ref int count, ref int first)
    {
        if (head >= entries.Length / 2)
        {
            Array.Copy(entries, head, entries, 0, count - head);
            count -= head;
            first -= head;
            head = 0;
        }
        else
        {
            Array.Resize(ref entries, entries.Length * 2);
        }
    }
}
