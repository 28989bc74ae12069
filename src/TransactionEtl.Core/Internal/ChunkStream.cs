using System.Buffers;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A chunk as the engine reads it: the file's prefix (its first record, so the BOM, header and line-break style are
/// the file's), then the chunk's bytes, whose line breaks it counts (LF, CRLF and a lone CR each once).
/// </summary>
internal sealed class ChunkStream : Stream
{
    private static readonly SearchValues<byte> LineBreaks = SearchValues.Create("\r\n"u8);

    private readonly byte[] _prefix;
    private readonly Stream _chunk;
    private int _replayed;
    private bool _lastWasCr;

    public ChunkStream(byte[] prefix, Stream chunk)
    {
        _prefix = prefix;
        _chunk = chunk;
    }

    /// <summary>Line breaks in the chunk's bytes read so far.</summary>
    public long LineBreakCount { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int replayed = Replay(buffer);
        if (replayed > 0 || buffer.IsEmpty)
        {
            return replayed;
        }
        int n = _chunk.Read(buffer);
        Count(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int replayed = Replay(buffer.Span);
        if (replayed > 0 || buffer.IsEmpty)
        {
            return replayed;
        }
        int n = await _chunk.ReadAsync(buffer, cancellationToken);
        Count(buffer.Span[..n]);
        return n;
    }

    private int Replay(Span<byte> buffer)
    {
        int take = Math.Min(buffer.Length, _prefix.Length - _replayed);
        _prefix.AsSpan(_replayed, take).CopyTo(buffer);
        _replayed += take;
        return take;
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

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
