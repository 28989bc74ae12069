using TransactionEtl.Cli.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// The statx stamp that lets a load skip hashing a file again before commit: it must read what <see cref="FileInfo"/>
/// reads, see a change of the inode that leaves size and time alone, and call a file settled only when its ctime is
/// older than the look by the margin. The scratch directory is under the temporary directory (ext4 or tmpfs here).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // statx
public sealed class InodeStampTests : IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-inode-stamp-");

    public InodeStampTests() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_the_size_and_last_write_time_FileInfo_reads()
    {
        var path = Write("a.csv", 1234);
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567));
        using var handle = File.OpenHandle(path);

        var byPath = InodeStamp.Of(path);
        var byHandle = InodeStamp.Of(handle);

        var info = new FileInfo(path);
        Assert.NotNull(byPath);
        Assert.Equal(info.Length, byPath.Value.Length);
        Assert.Equal(info.LastWriteTimeUtc, byPath.Value.LastWriteUtc);
        Assert.Equal(byPath, byHandle);
    }

    [Fact]
    public void A_chmod_moves_the_ctime_and_leaves_size_time_and_inode()
    {
        var path = Write("b.csv", 10);
        var before = InodeStamp.Of(path)!.Value;
        WaitPastChangeTime(before);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var after = InodeStamp.Of(path)!.Value;
        Assert.True(after.ChangeUtc > before.ChangeUtc, $"ctime {before.ChangeUtc:O} -> {after.ChangeUtc:O}");
        Assert.Equal((before.Length, before.LastWriteUtc, before.Inode, before.Device), (after.Length, after.LastWriteUtc, after.Inode, after.Device));
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void A_missing_file_has_no_stamp()
    {
        Assert.Null(InodeStamp.Of(Path.Combine(_dir.Path, "missing.csv")));
    }

    [Fact]
    public void A_file_is_settled_only_when_its_ctime_is_older_than_the_look_by_more_than_the_margin()
    {
        var path = Write("c.csv", 10);
        using var handle = File.OpenHandle(path);
        var changed = InodeStamp.Of(handle)!.Value.ChangeUtc;

        Assert.NotNull(InodeStamp.SettledOf(handle, changed + InodeStamp.SettledMargin + TimeSpan.FromMilliseconds(1)));
        Assert.Null(InodeStamp.SettledOf(handle, changed + InodeStamp.SettledMargin));
        Assert.Null(InodeStamp.SettledOf(handle, changed + TimeSpan.FromSeconds(1)));
        Assert.Null(InodeStamp.SettledOf(handle, changed));
    }

    /// <summary>
    /// Returns once the kernel's coarse clock, which stamps a ctime, is surely past <paramref name="stamp"/>'s ctime (a
    /// tick is at most 10 ms), so that the next change gets another ctime. Not a timing assertion: it only orders events.
    /// </summary>
    internal static void WaitPastChangeTime(InodeStamp stamp)
    {
        while (DateTime.UtcNow < stamp.ChangeUtc + TimeSpan.FromMilliseconds(50))
        {
            Thread.Sleep(10);
        }
    }

    private string Write(string name, int size)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllBytes(path, new byte[size]);
        return path;
    }
}
