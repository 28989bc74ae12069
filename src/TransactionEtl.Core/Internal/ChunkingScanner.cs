using System.Buffers;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Finds record boundaries in a byte range without reading the file from its start: the CSV grammar as a small state
/// machine run from every state it could be in at the starting offset at once (see docs/architecture.md, "Chunk
/// planning", for the method and why it is exact).
/// </summary>
/// <remarks>
/// <para>The states follow <see cref="FieldCountingReader"/>'s reading of Sylvan's grammar (Escape = Quote): record
/// start, field start, unquoted, quoted, quote-in-quoted. Malformed text (a character after a closing quote) goes on
/// as unquoted, as there: every transition is defined, so the true path is always in the set. A CR outside quotes
/// goes to both "unquoted" and "record start", because Sylvan ends a record at a lone CR on one of its paths and not
/// on the other; a boundary is only ever placed after an LF.</para>
/// <para>The set is 10 bits: 5 states, each with or without "has passed a record end since the scan began". A
/// path without one after <c>pruneAfter</c> bytes implies a record longer than the record limit, which makes the
/// file fail anyway; dropping such paths is what lets a scan over quote-free text decide.</para>
/// </remarks>
internal sealed class ChunkingScanner
{
    public const int RecordStart = 0;
    private const int FieldStart = 1;
    private const int Unquoted = 2;
    private const int Quoted = 3;
    private const int QuoteInQuoted = 4;
    private const int States = 5;
    private const int Flagged = 0b11111 << States;
    private const int BlockBytes = 64 * 1024;

    private const byte OtherClass = 0;
    private const byte QuoteClass = 1;
    private const byte DelimiterClass = 2;
    private const byte LfClass = 3;
    private const byte CrClass = 4;
    private const int Classes = 5;

    // [class * 1024 + set] -> set after one byte of that class.
    private static readonly ushort[] Step = BuildSteps();

    private readonly byte[] _classes = new byte[256];

    private ChunkingScanner(byte quote, byte delimiter)
    {
        _classes[quote] = QuoteClass;
        _classes[delimiter] = DelimiterClass;
        _classes['\n'] = LfClass;
        _classes['\r'] = CrClass;
    }

    /// <summary>Every state, none having passed a record end: nothing is known about the offset.</summary>
    public const int Unknown = 0b11111;

    /// <summary>Only "record start": the offset is a known boundary.</summary>
    public const int AtRecordStart = 1 << RecordStart;

    /// <summary>Bytes examined so far (a byte examined twice counts twice).</summary>
    public long BytesScanned { get; private set; }

    /// <summary>
    /// A scanner for the dialect, or null (with the reason) when its bytes cannot be split without decoding: an
    /// encoding in which LF, CR, the quote or the delimiter is not one byte of its own (UTF-16, a multi-byte delimiter).
    /// </summary>
    public static ChunkingScanner? For(DialectSpec dialect, out string? reason)
    {
        var encoding = dialect.Encoding ?? Encoding.UTF8;
        bool asciiCompatible = encoding is UTF8Encoding || (encoding.IsSingleByte && encoding.GetBytes("\n\r") is [(byte)'\n', (byte)'\r']);
        byte[] quote = encoding.GetBytes([dialect.Quote]);
        byte[] delimiter = encoding.GetBytes([dialect.Delimiter]);
        if (!asciiCompatible || quote.Length != 1 || delimiter.Length != 1 || quote[0] >= 0x80 || delimiter[0] >= 0x80)
        {
            reason = $"the {dialect.EncodingName} bytes cannot be split without decoding them (line breaks, quote and delimiter must each be one ASCII byte)";
            return null;
        }
        reason = null;
        return new ChunkingScanner(quote[0], delimiter[0]);
    }

    /// <summary>
    /// Runs from <paramref name="start"/> in <paramref name="set"/> and returns the first offset at or after
    /// <paramref name="minBoundary"/> that follows an LF after which the only possible state is "record start", or
    /// -1 when none is found before <paramref name="end"/>. Paths that have not passed a record end after
    /// <paramref name="pruneAfter"/> bytes are dropped (never when it is 0 or less).
    /// </summary>
    public async Task<long> FindBoundaryAsync(ByteRangeReader read, long start, int set, long minBoundary, long pruneAfter, long end, CancellationToken cancellationToken)
    {
        if (start >= end)
        {
            return -1;
        }
        await using var input = await read(start, end - start, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockBytes);
        long position = start;
        try
        {
            bool pruned = pruneAfter <= 0;
            int n;
            while (position < end && (n = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BlockBytes, end - position)), cancellationToken)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    byte cls = _classes[buffer[i]];
                    set = Step[cls << 10 | set];
                    position++;
                    if (!pruned && position - start > pruneAfter)
                    {
                        pruned = true;
                        set &= Flagged;
                    }
                    if (cls == LfClass && position >= minBoundary && Collapse(set) == AtRecordStart)
                    {
                        return position;
                    }
                }
            }
            return -1;
        }
        finally
        {
            BytesScanned += position - start;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Counts bytes read by a scan made outside this class (the prefix).</summary>
    public void AddScanned(long bytes) => BytesScanned += bytes;

    /// <summary>The states in <paramref name="set"/>, whatever their flag.</summary>
    public static int Collapse(int set) => (set | set >> States) & 0b11111;

    /// <summary>The state set after the byte <paramref name="value"/>; for reading record by record.</summary>
    public int Next(int set, byte value) => Step[_classes[value] << 10 | set];

    /// <summary>True when <paramref name="value"/> is an LF (a boundary can only follow one).</summary>
    public static bool IsLf(byte value) => value == '\n';

    private static ushort[] BuildSteps()
    {
        var steps = new ushort[Classes << 10];
        for (int cls = 0; cls < Classes; cls++)
        {
            for (int set = 0; set < 1 << (2 * States); set++)
            {
                int next = 0;
                for (int bit = 0; bit < 2 * States; bit++)
                {
                    if ((set & (1 << bit)) == 0)
                    {
                        continue;
                    }
                    int flag = bit / States;
                    int successors = Successors(bit % States, cls);
                    // Entering "record start" marks the path as having passed a record end.
                    next |= ((successors & ~AtRecordStart) << (flag * States)) | ((successors & AtRecordStart) << States);
                }
                steps[cls << 10 | set] = (ushort)next;
            }
        }
        return steps;
    }

    /// <summary>The grammar: the states one byte of <paramref name="cls"/> can lead to from <paramref name="state"/>.</summary>
    private static int Successors(int state, int cls)
    {
        const int anyLineEnd = (1 << Unquoted) | (1 << RecordStart);
        if (state == Quoted)
        {
            return cls == QuoteClass ? 1 << QuoteInQuoted : 1 << Quoted;
        }
        return cls switch
        {
            // A quote opens a quoted field only at a field's start; after a closing quote it is a doubled quote.
            QuoteClass => state switch
            {
                RecordStart or FieldStart => 1 << Quoted,
                QuoteInQuoted => 1 << Quoted,
                _ => 1 << Unquoted,
            },
            DelimiterClass => 1 << FieldStart,
            LfClass => 1 << RecordStart,
            CrClass => anyLineEnd,
            _ => 1 << Unquoted,
        };
    }
}
