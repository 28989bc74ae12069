using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// A write-only stream between <see cref="BinaryCopyWriter"/> and the raw COPY stream: every write is copied into one
/// of a few 64 KiB segments that a second thread sends, so the engine keeps parsing while a socket write blocks
/// (issue 19, "overlap the client and the server"). At most <see cref="Depth"/> segments wait; then a write blocks.
/// </summary>
/// <remarks>
/// Only the sending thread touches the COPY stream until <see cref="FinishAsync"/> or <see cref="StopAsync"/> has
/// returned, so the caller ends or cancels the COPY afterwards, as without the pipe. A failed send is rethrown, as the
/// same exception, by the next write or by <see cref="FinishAsync"/>: where the caller would have seen it anyway.
/// </remarks>
internal sealed class CopyPipe : Stream
{
    private const int Depth = 4;
    private const int SegmentBytes = 1 << 16;
    private readonly Stream _copy;
    private readonly BlockingCollection<(byte[] Segment, int Length)> _queue = new(Depth);
    private readonly ConcurrentQueue<byte[]> _free = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ExceptionDispatchInfo? _failure;

    public CopyPipe(Stream copy)
    {
        _copy = copy;
        // A thread of its own, not the pool's: it blocks in socket writes, and the pool has two threads on two cores.
        new Thread(Send) { IsBackground = true, Name = "txetl-copy" }.Start();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            _failure?.Throw();
            var segment = _free.TryDequeue(out var reused) ? reused : new byte[SegmentBytes];
            var length = Math.Min(buffer.Length, segment.Length);
            buffer[..length].CopyTo(segment);
            buffer = buffer[length..];
            try
            {
                _queue.Add((segment, length), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                // The sender stopped because a send failed: that failure is what the caller must see.
                _failure?.Throw();
                throw;
            }
        }
    }

    /// <summary>Waits until every segment is sent; rethrows a failed send.</summary>
    public async Task FinishAsync()
    {
        _queue.CompleteAdding();
        await _sent.Task;
        _failure?.Throw();
    }

    /// <summary>Drops what is not sent yet and waits for the sender to leave the COPY stream, so it can be cancelled.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _sent.Task;
    }

    public override void Flush()
    {
        // Nothing to do: a write hands its bytes to the sender before it returns.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _sent.Task.Wait();
            _queue.Dispose();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Send()
    {
        try
        {
            foreach (var (segment, length) in _queue.GetConsumingEnumerable(_stop.Token))
            {
                _copy.Write(segment, 0, length);
                _free.Enqueue(segment);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // StopAsync: the caller gave up on this COPY and cancels it once this thread is done.
        }
        catch (Exception ex)
        {
            // Any failure of the COPY stream (socket, broken connection): kept for the writer, whose next call throws it.
            _failure = ExceptionDispatchInfo.Capture(ex);
            _stop.Cancel();
        }
        finally
        {
            _sent.SetResult();
        }
    }
}
