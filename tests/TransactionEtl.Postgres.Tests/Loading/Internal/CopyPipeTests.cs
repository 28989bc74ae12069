using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Tests.Loading.Internal;

/// <summary>
/// The pipe between the COPY writer and the COPY stream: the bytes arrive whole and in order, and a failed send reaches
/// the writer as the same exception, as it would without the pipe.
/// </summary>
public sealed class CopyPipeTests
{
    [Fact]
    public async Task Sends_every_byte_in_order_across_segments()
    {
        var data = new byte[(1 << 16) * 9 + 123];
        new Random(7).NextBytes(data);
        var sent = new MemoryStream();
        await using (var pipe = new CopyPipe(sent))
        {
            // Writes of odd sizes and one larger than a segment, as BinaryCopyWriter's long fields are.
            var offset = 0;
            foreach (var size in new[] { 19, 65_536, 1, 200_000, 40_000 })
            {
                pipe.Write(data, offset, size);
                offset += size;
            }

            pipe.Write(data.AsSpan(offset));
            await pipe.FinishAsync();
        }

        Assert.Equal(data, sent.ToArray());
    }

    [Fact]
    public async Task A_failed_send_reaches_the_writer_as_the_same_exception()
    {
        var failure = new IOException("socket closed");
        await using var pipe = new CopyPipe(new FailingStream(failure));
        var seen = await Assert.ThrowsAsync<IOException>(async () =>
        {
            // The first segment fails; a later write or the finish must throw what the send threw.
            for (var i = 0; i < 100; i++)
            {
                pipe.Write(new byte[1 << 16]);
            }

            await pipe.FinishAsync();
        });
        Assert.Same(failure, seen);
    }

    [Fact]
    public async Task Stop_leaves_the_stream_before_the_caller_cancels_the_copy()
    {
        var blocked = new GateStream();
        var pipe = new CopyPipe(blocked);
        pipe.Write(new byte[10]);
        blocked.Entered.Wait(TimeSpan.FromSeconds(30));
        var stopping = pipe.StopAsync();
        Assert.False(stopping.IsCompleted, "Stop returned while the sender was still writing to the COPY stream");
        blocked.Release.Set();
        await stopping;
        await pipe.DisposeAsync();
        Assert.Equal(1, blocked.Writes);
    }

    private sealed class FailingStream(Exception failure) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw failure;
    }

    private sealed class GateStream : MemoryStream
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public int Writes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            Entered.Set();
            Release.Wait();
        }
    }
}
