namespace TransactionEtl.Core.Internal;

/// <summary>
/// A read-only stream that has read the first bytes of its input ahead of time, so that they can be looked at
/// (<see cref="FileDiagnosis"/>) before anything is parsed, and then gives them back followed by the rest. The input
/// may be a network or standard-input stream that cannot seek; the prefix is what lets it be inspected anyway.
/// </summary>
internal sealed class PeekedStream : Stream
{
    private readonly Stream _inner;
    private readonly byte[] _prefix;
    private readonly int _prefixLength;
    private int _replayed;

    private PeekedStream(Stream inner, byte[] prefix, int prefixLength)
    {
        _inner = inner;
        _prefix = prefix;
        _prefixLength = prefixLength;
    }

    /// <summary>The first bytes of the input (fewer than asked for only when the input is shorter).</summary>
    public ReadOnlySpan<byte> Prefix => _prefix.AsSpan(0, _prefixLength);

    /// <summary>A stream that gives <paramref name="prefix"/> and then <paramref name="inner"/> (a chunk read behind the file's prefix).</summary>
    public static PeekedStream Prepend(byte[] prefix, Stream inner) => new(inner, prefix, prefix.Length);
    /// <summary><see cref="Prefix"/> for an async method.</summary>
    public ReadOnlyMemory<byte> PrefixMemory => _prefix.AsMemory(0, _prefixLength);

    /// <summary>Reads up to <paramref name="prefixBytes"/> bytes of <paramref name="inner"/> (until full or at its end).</summary>
    public static async Task<PeekedStream> OpenAsync(Stream inner, int prefixBytes, CancellationToken cancellationToken)
    {
        var prefix = new byte[prefixBytes];
        int length = 0;
        int n;
        // One read may return less than asked (pipes, S3): loop so the prefix is the same whatever the source.
        while (length < prefixBytes && (n = await inner.ReadAsync(prefix.AsMemory(length), cancellationToken)) > 0)
        {
            length += n;
        }
        return new PeekedStream(inner, prefix, length);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int replayed = Replay(buffer);
        return replayed > 0 || buffer.IsEmpty ? replayed : _inner.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int replayed = Replay(buffer.Span);
        return replayed > 0 || buffer.IsEmpty ? ValueTask.FromResult(replayed) : _inner.ReadAsync(buffer, cancellationToken);
    }

    private int Replay(Span<byte> buffer)
    {
        int take = Math.Min(buffer.Length, _prefixLength - _replayed);
        _prefix.AsSpan(_replayed, take).CopyTo(buffer);
        _replayed += take;
        return take;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
