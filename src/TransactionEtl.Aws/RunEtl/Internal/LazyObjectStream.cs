namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>
/// The object's content for the chunked commit, opened (one GET) only if it is read: the commit reads it only when a
/// chunk found a file-level error and the file is then read single-stream. A GET opened up front would sit idle for the
/// whole commit and could be closed by S3 before that read.
/// </summary>
internal sealed class LazyObjectStream(Func<CancellationToken, Task<Stream>> open, long length) : Stream
{
    private Stream? _inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _inner?.Position ?? 0;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _inner ??= await open(cancellationToken);
        return await _inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The loaders read asynchronously; a synchronous read must still see the bytes.
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_inner is not null)
        {
            await _inner.DisposeAsync();
        }
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner?.Dispose();
        }
        base.Dispose(disposing);
    }
}
