using System.Globalization;

namespace TransactionEtl.Cli.Internal;

/// <summary>A local file's size and last write time: what <c>watch</c> waits to settle and a load checks before commit.</summary>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    /// <summary>The stamp of the file a stream has open, taken before the first byte is read.</summary>
    public static FileStamp Of(FileStream stream) => new(stream.Length, File.GetLastWriteTimeUtc(stream.SafeFileHandle));

    /// <summary>The stamp of the file now at <paramref name="path"/>; length -1 when there is none (moved away, deleted).</summary>
    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : new FileStamp(-1, default);
    }

    /// <summary>"the size went from 10 to 12 bytes", "the file is gone", "the last write time went from ... to ...".</summary>
    public string Difference(FileStamp now) =>
        now.Length < 0 ? "the file is gone from its path"
        : now.Length != Length ? string.Create(CultureInfo.InvariantCulture, $"the size went from {Length} to {now.Length} bytes")
        : string.Create(CultureInfo.InvariantCulture, $"the last write time went from {LastWriteUtc:O} to {now.LastWriteUtc:O}");
}
