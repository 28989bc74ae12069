using System.Security.Cryptography;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// The chunked hash behind the pre-load and confirm-unchanged checks must be the SHA-256 of every byte, whatever the
/// file's size against the chunk: a lost or repeated chunk would let a changed file pass as unchanged.
/// </summary>
public sealed class FileSha256Tests : IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-file-sha256-");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(FileSha256.ChunkBytes - 1)]
    [InlineData(FileSha256.ChunkBytes)]
    [InlineData(FileSha256.ChunkBytes + 1)]
    [InlineData(3 * FileSha256.ChunkBytes + 17)]
    public async Task Hashes_every_byte_of_a_file_of_any_size_against_the_chunk(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        Directory.CreateDirectory(_dir.Path);
        var path = Path.Combine(_dir.Path, $"f{size}.bin");
        await File.WriteAllBytesAsync(path, bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), await FileSha256.OfAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task A_change_in_the_last_chunk_changes_the_hash()
    {
        var bytes = new byte[2 * FileSha256.ChunkBytes + 5];
        Directory.CreateDirectory(_dir.Path);
        var path = Path.Combine(_dir.Path, "changed.bin");
        await File.WriteAllBytesAsync(path, bytes);
        var before = await FileSha256.OfAsync(path, CancellationToken.None);
        bytes[^1] = 1;
        await File.WriteAllBytesAsync(path, bytes);

        Assert.NotEqual(before, await FileSha256.OfAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_file_is_an_io_error_as_before()
    {
        await Assert.ThrowsAnyAsync<IOException>(() => FileSha256.OfAsync(Path.Combine(_dir.Path, "missing.csv"), CancellationToken.None));
    }
}
