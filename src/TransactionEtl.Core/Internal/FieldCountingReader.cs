using System.Buffers;
using System.Runtime.CompilerServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A pass-through <see cref="TextReader"/> in front of the CSV reader that counts the fields of each record as the
/// characters go by and throws <see cref="TooManyFieldsException"/> as soon as a record has more than the limit.
/// </summary>
/// <remarks>
/// <para>Why here and not after the CSV reader: Sylvan 1.4.4 has no field-count limit and allocates per field
/// while it parses a record (about 9 KiB per field: 50,000 fields cost ~450 MiB, 250,000 fields ~780 MiB). The
/// check has to happen before Sylvan sees the record. Sylvan only parses the characters this reader has handed
/// it, and this reader throws from the very <c>Read</c> that would hand over the record's field beyond the limit,
/// so Sylvan never holds more than the limit's worth of fields of one record.</para>
/// <para>It follows Sylvan's grammar for the dialect (Escape = Quote): a quote opens a quoted field only at the
/// start of a field, a doubled quote inside one is literal. Where the text is malformed (text after a closing
/// quote) Sylvan itself rejects the file, so counting it as unquoted is enough.</para>
/// <para>Record ends are chosen so that every record Sylvan forms lies inside one record counted here (the count
/// can only be higher, never lower, so the limit cannot be dodged). Sylvan's fast path ends records only at LF
/// (or, in a file whose first line break is a lone CR, only at CR) and treats the other as data, while its slow
/// path ends them at either. So a record ends here only at LF, or only at CR in a CR-only file. Line numbers are
/// counted like <see cref="LineCounter"/> (LF, CRLF and a lone CR each once) so the error names the record's
/// first line.</para>
/// <para>On overflow it reads on to the end of that record (constant memory, no parsing into fields) so the
/// message can give the real count.</para>
/// </remarks>
internal sealed partial class FieldCountingReader : TextReader
{
    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }

    private readonly TextReader _inner;
    private readonly char _delimiter;
    private readonly char _quote;
    private readonly int _maxFields;
    private readonly SearchValues<char> _stops;
    // Where the delimiters and stops go as they are found, for the engine's split of plain records (null: not kept).
    private readonly RecordFields? _log;
    private State _state = State.FieldStart;
    private long _fields = 1;
    private long _line = 1;
    private long _recordLine = 1;
    private long _position;
    private long _lastCrPosition = -2;
    // Just past the last record end handed on (an index into the text, as _position), and the one before it.
    private long _recordEndAt;
    private long _previousEndAt;
    private bool _overflow;
    private bool _lineBreakSeen;
    private bool _firstCrPending;
    private char _recordEnd = '\n';

    public FieldCountingReader(TextReader inner, char delimiter, char quote, int maxFields, RecordFields? log = null)
    {
        _inner = inner;
        _log = log;
        _delimiter = delimiter;
        _quote = quote;
        _maxFields = maxFields;
        _stops = SearchValues.Create([quote, '\r', '\n']);
    }

    /// <summary>
    /// Whether the text handed on holds a whole record starting at <paramref name="position"/> (the characters the CSV
    /// reader has consumed): its end and at least one character after it, so the reader can form that record from its
    /// buffer and tell CR from CRLF without reading. The caller then reads it synchronously, without a state machine.
    /// </summary>
    // The end before the last one too: a chunk that ends on a record end (nothing after it) still holds the others.
    public bool HasRecordAfter(long position) => position < _previousEndAt || (position < _recordEndAt && _recordEndAt < _position);

    public override int Peek() => _inner.Peek();

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        int n = _inner.Read(buffer);
        Scan(buffer[..n], atEnd: n == 0);
        if (_overflow)
        {
            FinishOverflowingRecord();
        }
        return n;
    }

    public override Task<int> ReadAsync(char[] buffer, int index, int count) =>
        ReadAsync(buffer.AsMemory(index, count)).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _inner.ReadAsync(buffer, cancellationToken);
        Scan(buffer.Span[..n], atEnd: n == 0);
        if (_overflow)
        {
            await FinishOverflowingRecordAsync(cancellationToken);
        }
        return n;
    }

    private void FinishOverflowingRecord()
    {
        var scratch = ArrayPool<char>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            do
            {
                n = _inner.Read(scratch);
                Scan(scratch.AsSpan(0, n), atEnd: n == 0);
            }
            while (_overflow);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(scratch);
        }
    }

    private async Task FinishOverflowingRecordAsync(CancellationToken cancellationToken)
    {
        var scratch = ArrayPool<char>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            do
            {
                n = await _inner.ReadAsync(scratch.AsMemory(), cancellationToken);
                Scan(scratch.AsSpan(0, n), atEnd: n == 0);
            }
            while (_overflow);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(scratch);
        }
    }

    /// <summary>Advances the state over <paramref name="chars"/>; throws once an overflowing record has ended.</summary>
    private void Scan(ReadOnlySpan<char> chars, bool atEnd)
    {
        if (atEnd)
        {
            if (_overflow)
            {
                throw Overflow();
            }
            return;
        }
        if (_firstCrPending)
        {
            ResolveFirstCr(chars[0]);
        }
        int i = 0;
        while (i < chars.Length)
        {
            i = _state switch
            {
                State.FieldStart or State.Unquoted => ScanUnquoted(chars, i),
                State.Quoted => ScanQuoted(chars, i),
                _ => ScanQuoteInQuoted(chars, i),
            };
        }
        _position += chars.Length;
    }

    /// <summary>The previous chunk ended on the file's first line break, a CR: this chunk's first character tells CR from CRLF.</summary>
    private void ResolveFirstCr(char next)
    {
        _firstCrPending = false;
        _lineBreakSeen = true;
        _recordEnd = next == '\n' ? '\n' : '\r';
        if (_recordEnd == '\r')
        {
            EndRecord();
            RecordEndsAt(_position);
        }
    }

    /// <summary>Outside quotes, from <paramref name="i"/> to the next quote or line break (included); returns where to go on.</summary>
    // Each of these runs once per quote or line break: inlined so that naming the states costs no call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ScanUnquoted(ReadOnlySpan<char> chars, int i)
    {
        // Outside quotes delimiters are counted in bulk (vectorized); only quotes and line breaks need
        // a look of their own, so the cost is per line, not per field.
        var rest = chars[i..];
        int k = NextStop(rest, _position + i, out int delimiters);
        int length = k < 0 ? rest.Length : k;
        if (length > 0)
        {
            _fields += delimiters;
            if (_fields > _maxFields)
            {
                _overflow = true;
            }
            _state = rest[length - 1] == _delimiter ? State.FieldStart : State.Unquoted;
        }
        if (k < 0)
        {
            return chars.Length;
        }
        i += k;
        char c = chars[i];
        i++;
        if (c == _quote)
        {
            // A quote opens a quoted field only at the start of one; elsewhere it is a literal character.
            _state = _state == State.FieldStart ? State.Quoted : State.Unquoted;
            return i;
        }
        LineBreak(c, i - 1);
        _state = State.Unquoted;
        return UnquotedLineBreak(chars, c, i);
    }

    /// <summary>After a line break outside quotes: settles the record end (LF, or CR in a CR-only file), and ends the record on it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int UnquotedLineBreak(ReadOnlySpan<char> chars, char c, int i)
    {
        if (!_lineBreakSeen)
        {
            if (c == '\r' && i == chars.Length)
            {
                // CR or CRLF? The next chunk tells.
                _firstCrPending = true;
                return i;
            }
            // A lone CR as the first line break: a CR-only file.
            _lineBreakSeen = true;
            _recordEnd = c == '\r' && chars[i] != '\n' ? '\r' : '\n';
        }
        if (c == _recordEnd)
        {
            EndRecord();
            RecordEndsAt(_position + i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ScanQuoted(ReadOnlySpan<char> chars, int i)
    {
        int k = NextStop(chars[i..], _position + i, out _);
        if (k < 0)
        {
            return chars.Length;
        }
        i += k;
        char c = chars[i];
        i++;
        if (c == _quote)
        {
            _state = State.QuoteInQuoted;
        }
        else
        {
            LineBreak(c, i - 1);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ScanQuoteInQuoted(ReadOnlySpan<char> chars, int i)
    {
        if (chars[i] == _quote)
        {
            // A doubled quote: literal, still inside the quoted field.
            _state = State.Quoted;
            return i + 1;
        }
        // The closing quote; a delimiter or line break follows (anything else Sylvan rejects).
        _state = State.Unquoted;
        return i;
    }

    private void EndRecord()
    {
        if (_overflow)
        {
            throw Overflow();
        }
        _state = State.FieldStart;
        _fields = 1;
        _recordLine = _line;
    }

    private void RecordEndsAt(long end)
    {
        _previousEndAt = _recordEndAt;
        _recordEndAt = end;
    }

    /// <summary>Counts a CR, LF or CRLF once, as <see cref="LineCounter"/> does.</summary>
    private void LineBreak(char c, int indexInChunk)
    {
        long at = _position + indexInChunk;
        if (c == '\r')
        {
            _line++;
            _lastCrPosition = at;
        }
        else if (at != _lastCrPosition + 1)
        {
            _line++;
        }
    }

    private TooManyFieldsException Overflow()
    {
        _overflow = false;
        return new TooManyFieldsException(_recordLine, _fields, _maxFields);
    }
}
