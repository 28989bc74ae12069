using System.IO.Compression;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core;

/// <summary>
/// ZIP archives of CSV files (issue 17): each member whose name ends in <c>.csv</c> is a file of its own, read
/// through the same decompression-bomb guard as a gzip file, with the member's compressed length as its stored size.
/// An Office or OpenDocument file is a ZIP too; it is no archive here, so it goes on to the engine as it is.
/// </summary>
public static class ZipMembers
{
    /// <summary>The compression named in a member's summary.</summary>
    public const string Compression = "zip";

    /// <summary>Whether the file at <paramref name="path"/> is a ZIP archive (not an .xlsx, .ods or .docx), by its first bytes.</summary>
    public static bool IsArchive(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var prefix = new byte[FileDiagnosis.PrefixBytes];
        int length = file.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        return FileDiagnosis.IsZipArchive(prefix.AsSpan(0, length));
    }

    /// <summary>True for a member that is a CSV file: not a directory, its name ending in <c>.csv</c> in any case.</summary>
    public static bool IsCsv(ZipArchiveEntry entry) =>
        entry.Name.Length > 0 && entry.FullName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The member's decompressed bytes, stopped with <c>decompression-limit</c> past <paramref name="maxDecompressedBytes"/>
    /// or past <paramref name="maxDecompressionRatio"/> times its compressed length (0 turns a limit off); the engine
    /// rejects the member with that reason. Each call opens the member again from its start.
    /// </summary>
    public static Stream Open(ZipArchiveEntry entry, long maxDecompressedBytes, int maxDecompressionRatio)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var limits = new ProcessingOptions
        {
            Contract = Contract.Default,
            MaxDecompressedBytes = maxDecompressedBytes,
            MaxDecompressionRatio = maxDecompressionRatio,
        };
        long compressed = entry.CompressedLength;
        return new DecompressionGuard(entry.Open, () => compressed, "zip member", limits);
    }

    /// <summary>Decompressed bytes read so far through a stream from <see cref="Open"/>; 0 for any other stream.</summary>
    public static long BytesRead(Stream member) => member is DecompressionGuard guard ? guard.BytesOut : 0;
}
