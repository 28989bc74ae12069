using SharpCompress.Compressors.BZip2;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The decoders for the compressed formats the engine reads (chosen by <see cref="FileDiagnosis.Compression"/>, from
/// the magic bytes, never from the name). Each one is a stream over the stored bytes, so nothing is written to disk and
/// memory is the decoder's window, whatever the size of the file.
/// </summary>
internal static class Decompression
{
    /// <summary>
    /// The largest zstd window accepted: 2^24 = 16 MiB. zstd at every level up to 19 uses at most 8 MiB; a frame may
    /// announce up to 2 GiB (--long=31), which the decoder would allocate, so a larger window is refused.
    /// </summary>
    public const int ZstdWindowLogMax = 24;

    /// <summary>Whether <paramref name="compression"/> (from <see cref="FileDiagnosis.Compression"/>) is a format read here.</summary>
    public static bool CanRead(string? compression) => compression is "gzip" or "zstd" or "bzip2";

    /// <summary>A stream of the decompressed bytes of <paramref name="stored"/>, which it leaves open.</summary>
    public static Stream Open(string compression, Stream stored) => compression switch
    {
        // Every member of a multi-member file (as gzip -d does), and a file cut short is an error.
        "gzip" => new GzipDecoder(stored),
        "zstd" => Zstd(stored),
        "bzip2" => BZip2Stream.Create(stored, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "not a compression read here"),
    };

    /// <summary>True for the decoders' exceptions about corrupt or truncated data (not I/O failures of the source).</summary>
    public static bool IsCorruptData(Exception e) =>
        e is InvalidDataException or ZstdException or SharpCompress.Common.SharpCompressException
        // A truncated bzip2 or zstd stream ends early rather than failing a check.
        or EndOfStreamException;

    private static DecompressionStream Zstd(Stream stored)
    {
        var stream = new DecompressionStream(stored, leaveOpen: true);
        stream.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, ZstdWindowLogMax);
        return stream;
    }
}
