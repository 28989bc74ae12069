using TransactionEtl.Cli.Internal;

namespace TransactionEtl.Cli.Tests;

/// <summary><c>run</c>'s default policy for <c>--parallel</c> and <c>--chunk-bytes</c> (issue 18 item 3).</summary>
public sealed class ParallelSettingsTests
{
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;

    [Theory]
    [InlineData(null, GiB - 1, 8, 1)] // below --parallel-min-bytes: one stream
    [InlineData(null, GiB, 8, 8)] // from it on: a worker per core
    [InlineData(null, 10 * GiB, 1, 1)] // one core: one stream
    [InlineData(3, 1000, 8, 3)] // --parallel wins, whatever the size
    [InlineData(1, 10 * GiB, 8, 1)]
    public void Workers_are_given_or_one_per_core_from_the_minimum_size_on(int? given, long size, int cores, int expected) =>
        Assert.Equal(expected, new ParallelSettings { Workers = given }.WorkersFor(size, cores));

    [Fact]
    public void The_minimum_size_is_the_option_when_given() =>
        Assert.Equal((1, 2), (new ParallelSettings { MinBytes = 5000 }.WorkersFor(4999, 2), new ParallelSettings { MinBytes = 5000 }.WorkersFor(5000, 2)));

    [Theory]
    [InlineData(null, 10 * MiB, 4, 64 * MiB)] // at least 64 MiB
    [InlineData(null, GiB, 4, 256 * MiB)] // size / N, already a multiple of 64 MiB
    [InlineData(null, GiB + 1, 4, 320 * MiB)] // size / N rounded up to 64 MiB
    [InlineData(null, 10 * GiB, 3, 3456 * MiB)] // 3413.3 MiB -> 54 units
    [InlineData(4096L, 10 * GiB, 4, 4096)] // --chunk-bytes as given
    public void Chunk_bytes_are_given_or_the_share_per_worker_rounded_up_to_64_MiB(long? given, long size, int workers, long expected) =>
        Assert.Equal(expected, new ParallelSettings { ChunkBytes = given }.ChunkBytesFor(size, workers));
}
