using System.Globalization;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A read-only stream over a decoder that counts the decompressed bytes and stops a decompression bomb: past
/// <see cref="ProcessingOptions.MaxDecompressedBytes"/> in all, or past <see cref="ProcessingOptions.MaxDecompressionRatio"/>
/// times the stored bytes the decoder has read so far, it throws <see cref="DecompressionException"/>
/// (<c>decompression-limit</c>). Checked on every read, so a bomb is stopped after at most one buffer beyond the limit.
/// A decoder's complaint about corrupt data becomes a <see cref="DecompressionException"/> (<c>compression-error</c>).
/// </summary>
internal sealed class DecompressionGuard : ReadOnlyPassThrough
{
    /// <summary>
    /// The ratio is judged only past this many decompressed bytes: the first reads of a small file compare the output
    /// with a few header bytes, and a 256 KiB text of any ratio is harmless.
    /// </summary>
    /// Below the default record limit (1 MiB) so that a bomb of one endless line meets this guard first.
    public const long RatioFloorBytes = 256 * 1024;

    private readonly Func<Stream> _open;
    private Stream? _decoder;
    // The stored (compressed) bytes behind the output so far: those the decoder has read, or a ZIP member's whole
    // compressed length (its decoder reads them through ZipArchive, out of sight).
    private readonly Func<long> _storedBytes;
    private readonly string _compression;
    private readonly long _maxBytes;
    private readonly int _maxRatio;
    private bool _stopped;

    /// <summary>The decoder is opened on the first read, where its errors are caught (bzip2 reads a block at once).</summary>
    public DecompressionGuard(Func<Stream> open, Func<long> storedBytes, string compression, ProcessingOptions options)
    {
        _open = open;
        _storedBytes = storedBytes;
        _compression = compression;
        _maxBytes = options.MaxDecompressedBytes;
        _maxRatio = options.MaxDecompressionRatio;
    }

    /// <summary>Decompressed bytes read so far.</summary>
    public long BytesOut { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (_stopped)
        {
            return 0;
        }
        int n;
        try
        {
            n = (_decoder ??= _open()).Read(buffer);
        }
        catch (Exception e) when (Decompression.IsCorruptData(e))
        {
            throw Corrupt(e);
        }
        return Count(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return 0;
        }
        int n;
        try
        {
            n = await (_decoder ??= _open()).ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (Decompression.IsCorruptData(e))
        {
            throw Corrupt(e);
        }
        return Count(n);
    }

    private int Count(int n)
    {
        BytesOut += n;
        if (_maxBytes > 0 && BytesOut > _maxBytes)
        {
            throw Limit($"it decompresses to more than {_maxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes (the limit; --max-decompressed-bytes)");
        }
        long stored = Math.Max(1, _storedBytes());
        if (_maxRatio > 0 && BytesOut > RatioFloorBytes && BytesOut / stored > _maxRatio)
        {
            throw Limit(string.Create(CultureInfo.InvariantCulture,
                $"{stored:N0} stored bytes decompressed to {BytesOut:N0} so far, more than {_maxRatio} times as many (the limit; --max-decompression-ratio)"));
        }
        return n;
    }

    // Once stopped, reads end the stream: a ZIP member's guard is the engine's input, which is drained after the error.
    private DecompressionException Limit(string detail) => Stop(new(FileErrorCodes.DecompressionLimit,
        $"the {_compression} file looks like a decompression bomb and was not read further: {detail}; if the file is genuine, raise the limit"));

    private DecompressionException Corrupt(Exception e) => Stop(new(FileErrorCodes.CompressionError,
        string.Create(CultureInfo.InvariantCulture,
            $"the {_compression} data is corrupt or truncated after {BytesOut:N0} decompressed bytes ({e.Message}); compress the file again or send it again"),
        e));

    private DecompressionException Stop(DecompressionException e)
    {
        _stopped = true;
        return e;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder?.Dispose();
        }
        base.Dispose(disposing);
    }
}
