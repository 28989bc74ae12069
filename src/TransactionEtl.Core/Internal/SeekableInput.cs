namespace TransactionEtl.Core.Internal;

/// <summary>
/// A seekable copy of the input for the formats that must seek (a ZIP's central directory is at its end, and so is
/// Parquet's footer). The bytes still flow once through the hashing <see cref="TrackingStream"/> first, so the
/// file's SHA-256 and size are those of the bytes as given. A seekable input (a local file) is read again in place;
/// any other (standard input, an S3 body) is spooled to a temporary file, deleted on close, in 80 KiB pieces.
/// </summary>
internal sealed class SeekableInput : IAsyncDisposable
{
    private readonly FileStream? _spool;

    private SeekableInput(Stream stream, FileStream? spool)
    {
        Stream = stream;
        _spool = spool;
    }

    /// <summary>The whole input, positioned at its start.</summary>
    public Stream Stream { get; }

    /// <summary><paramref name="peeked"/> bytes of <paramref name="original"/> are already read (by the prefix look).</summary>
    public static async Task<SeekableInput> OpenAsync(Stream original, int peeked, TrackingStream tracker, CancellationToken cancellationToken)
    {
        // In place only when the file starts at offset 0, as a ZIP reader's offsets assume.
        if (original.CanSeek && original.Position == peeked)
        {
            await tracker.DrainAsync(cancellationToken);
            original.Seek(0, SeekOrigin.Begin);
            return new SeekableInput(original, null);
        }
        return await SpoolAsync(tracker, cancellationToken);
    }

    private static async Task<SeekableInput> SpoolAsync(Stream from, CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"txetl-{Guid.NewGuid():N}.spool");
        var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await from.CopyToAsync(spool, cancellationToken);
            spool.Position = 0;
            return new SeekableInput(spool, spool);
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_spool is not null)
        {
            await _spool.DisposeAsync();
        }
    }
}
