using TransactionEtl.Cli.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// The local file as the engine reads it: asynchronous reads done on the caller's thread, with the bytes, position and
/// rewind of the file itself (the staging path re-reads from the start).
/// </summary>
public sealed class InlineReadStreamTests : IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-inline-read-");

    public void Dispose() => _dir.Dispose();

    private async Task<(string Path, byte[] Bytes)> FileAsync(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        Directory.CreateDirectory(_dir.Path);
        var path = Path.Combine(_dir.Path, $"f{size}.bin");
        await File.WriteAllBytesAsync(path, bytes);
        return (path, bytes);
    }

    private static InlineReadStream Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));

    [Fact]
    public async Task Reads_every_byte_and_each_read_completes_on_the_calling_thread()
    {
        var (path, bytes) = await FileAsync(200_000);
        await using var stream = Open(path);
        var read = new MemoryStream();
        var buffer = new byte[1 << 16];
        while (true)
        {
            var pending = stream.ReadAsync(buffer.AsMemory(), CancellationToken.None);
            Assert.True(pending.IsCompleted, "the read went to another thread");
            var n = await pending;
            if (n == 0)
            {
                break;
            }

            read.Write(buffer, 0, n);
        }

        Assert.Equal(bytes, read.ToArray());
        Assert.Equal(bytes.Length, stream.Position);
    }

    [Fact]
    public async Task Rewinds_to_a_position_and_reads_from_there_as_the_file_does()
    {
        var (path, bytes) = await FileAsync(100_000);
        await using var stream = Open(path);
        Assert.True(stream.CanSeek);
        Assert.Equal(bytes.Length, stream.Length);
        await stream.ReadExactlyAsync(new byte[70_000]);

        stream.Position = 3;
        var again = new byte[10];
        await stream.ReadExactlyAsync(again);

        Assert.Equal(bytes[3..13], again);
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_read_before_it_starts()
    {
        var (path, _) = await FileAsync(10);
        await using var stream = Open(path);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(new byte[4], new CancellationToken(canceled: true)).AsTask());
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public async Task A_failed_read_is_reported_through_the_task_not_thrown_by_the_call()
    {
        var (path, _) = await FileAsync(10);
        var stream = Open(path);
        await stream.DisposeAsync();

        var pending = stream.ReadAsync(new byte[4], CancellationToken.None);

        Assert.True(pending.IsFaulted);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await pending);
    }
}
