using System.Buffers;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A read-only pass-through over a chunk's bytes that counts their line breaks as lines are numbered (LF, CRLF and a
/// lone CR each once), so a commit step can turn the chunk's line numbers into the file's.
/// </summary>
internal sealed class LineCountingStream : ReadOnlyPassThrough
{
    private static readonly SearchValues<byte> LineBreaks = SearchValues.Create("\r\n"u8);

    private readonly Stream _inner;
    private bool _lastWasCr;

    public LineCountingStream(Stream inner) => _inner = inner;

    /// <summary>Line breaks in the bytes read so far.</summary>
    public long LineBreakCount { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        Count(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _inner.ReadAsync(buffer, cancellationToken);
        Count(buffer.Span[..n]);
        return n;
    }

    private void Count(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data.IndexOfAny(LineBreaks) < 0 && !_lastWasCr)
        {
            return;
        }
        // A CR counts unless an LF follows it; the LF then counts for the pair.
        long breaks = data.Count((byte)'\n') + data.Count((byte)'\r') - data.Count("\r\n"u8);
        if (_lastWasCr && data[0] == '\n')
        {
            breaks--;
        }
        LineBreakCount += breaks;
        _lastWasCr = data[^1] == '\r';
    }
}
