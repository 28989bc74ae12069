namespace TransactionEtl.Testing;

/// <summary>
/// A file's bytes as a loader reads them: seekable like a local file, or forward-only like an S3 response body; and
/// optionally stopping at <c>pauseAt</c> until <see cref="Resume"/>, so that a test can hold a load mid-COPY.
/// </summary>
public sealed class ContentStream(byte[] bytes, bool seekable, long pauseAt = long.MaxValue) : Stream
{
    private readonly MemoryStream _inner = new(bytes);
    private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when a read has reached <c>pauseAt</c> and waits for <see cref="Resume"/>.</summary>
    public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool CanRead => true;

    public override bool CanSeek => seekable;

    public override bool CanWrite => false;

    public override long Length => seekable ? _inner.Length : throw new NotSupportedException();

    public override long Position
    {
        get => seekable ? _inner.Position : throw new NotSupportedException();
        set => _inner.Position = seekable ? value : throw new NotSupportedException();
    }

    /// <summary>Lets reads go past <c>pauseAt</c>, now and for good.</summary>
    public void Resume() => _resumed.TrySetResult();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_resumed.Task.IsCompleted && _inner.Position >= pauseAt)
        {
            Paused.TrySetResult();
            await _resumed.Task.WaitAsync(cancellationToken);
        }
        var limit = _resumed.Task.IsCompleted ? buffer.Length : (int)Math.Min(buffer.Length, pauseAt - _inner.Position);
        return _inner.Read(buffer.Span[..limit]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => seekable ? _inner.Seek(offset, origin) : throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
