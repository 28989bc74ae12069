namespace TransactionEtl.Cli.Internal;

/// <summary>
/// A local file for the engine, whose asynchronous reads run on the caller's thread. A <see cref="FileStream"/> on
/// Linux answers every <c>ReadAsync</c> that reaches the disk on another thread-pool thread, so each 64 KiB refill was
/// a hand-off: a wake-up of a parked worker, a context switch, and the worker that waited spinning (sched_yield)
/// before it parked again, ~1,300 times per million rows. A regular file reads from the page cache in microseconds,
/// so reading it where the data is used costs less than the hand-off. Measured in docs/performance.md (session 11, io).
/// </summary>
/// <remarks>
/// Blocking is no worse than before: the thread-pool thread that ran the read blocked on it just the same. Seeking,
/// length and position are the file's (the staging path rewinds to re-read).
/// </remarks>
internal sealed class InlineReadStream(FileStream file) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => file.CanSeek;

    public override bool CanWrite => false;

    public override long Length => file.Length;

    public override long Position { get => file.Position; set => file.Position = value; }

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => file.Read(buffer);

    public override int ReadByte() => file.ReadByte();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return new ValueTask<int>(file.Read(buffer.Span));
        }
        catch (Exception ex)
        {
            // As a FileStream reports a failed read: through the task, not thrown by the call.
            return ValueTask.FromException<int>(ex);
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        file.Dispose();
        return base.DisposeAsync();
    }
}
