using Microsoft.Win32.SafeHandles;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// A local file as statx(2) sees it: size, last write time, inode change time (ctime), inode and device. The load's
/// last look before commit uses it to skip reading the file again: two equal stamps of a file whose ctime was already
/// settled at the first one mean its bytes did not change in between. The kernel sets the ctime to its own clock at
/// every write, truncation, time or mode change, and no call of an unprivileged process sets it back, unlike the last
/// write time (<c>touch -d</c>, <c>cp -p</c>, <c>rsync -t</c>). <see cref="FileStamp"/> stays what <c>watch</c> and
/// archives compare; this is only the load's shortcut, and anything it cannot vouch for is hashed as before.
/// </summary>
internal readonly record struct InodeStamp(long Length, DateTime LastWriteUtc, long ChangeSeconds, uint ChangeNanoseconds, ulong Inode, ulong Device)
{
    /// <summary>
    /// How much older than the first look a ctime must be to be settled (git's "racily clean" rule). A write just after
    /// the look gets a ctime from the kernel's coarse clock, up to a tick (at most 10 ms) behind the clock read before the
    /// look, truncated to the file system's timestamp granule (1 ns on ext4, XFS, Btrfs and tmpfs, 1 s on ext2/ext3 and
    /// ext4 with small inodes). A ctime older than the look by more than a granule plus a tick can therefore not be shared
    /// by any later write; 2 s leaves a second to spare over the coarsest of those file systems. The cost: a file
    /// changed less than 2 s before the load started is hashed, as every file was before.
    /// </summary>
    public static readonly TimeSpan SettledMargin = TimeSpan.FromSeconds(2);

    /// <summary>
    /// File systems whose kernel driver keeps the ctime itself (linux/magic.h): ext2/3/4, XFS, Btrfs, tmpfs, overlayfs.
    /// Not FAT or exFAT (ctime is the last write time, which can be set), not network or FUSE file systems (a server
    /// keeps the times, on its own clock, and an SMB client may set the change time): those are hashed.
    /// </summary>
    private static readonly long[] KernelTimedFileSystems = [0xEF53, 0x58465342, 0x9123683E, 0x01021994, 0x794C7630];

    /// <summary>The ctime, to the 100 ns of a <see cref="DateTime"/>.</summary>
    public DateTime ChangeUtc => ToUtc(ChangeSeconds, ChangeNanoseconds);

    /// <summary>The stamp of the file a stream has open; null when statx cannot give it (not Linux, refused).</summary>
    public static InodeStamp? Of(SafeFileHandle file) => LinuxStatx.TryRead(file, out var buffer) ? From(buffer) : null;

    /// <summary>The stamp of the file now at <paramref name="path"/>; null when there is none or statx cannot give it.</summary>
    public static InodeStamp? Of(string path) => LinuxStatx.TryRead(path, out var buffer) ? From(buffer) : null;

    /// <summary>
    /// The stamp of an open file if a later equal stamp proves it unchanged: on a file system that keeps the ctime, and
    /// with a ctime older than <paramref name="lookedUtc"/>, the clock read just before this look, by more than
    /// <see cref="SettledMargin"/>. Null otherwise, and the file is hashed.
    /// </summary>
    public static InodeStamp? SettledOf(SafeFileHandle file, DateTime lookedUtc) =>
        OperatingSystem.IsLinux()
        && Array.IndexOf(KernelTimedFileSystems, LinuxStatx.FileSystemType(file)) >= 0
        && Of(file) is { } stamp
        && stamp.ChangeUtc < lookedUtc - SettledMargin
            ? stamp
            : null;

    private static InodeStamp From(in LinuxStatx.Buffer buffer) => new(
        (long)buffer.Size,
        ToUtc(buffer.WriteSeconds, buffer.WriteNanoseconds),
        buffer.ChangeSeconds,
        buffer.ChangeNanoseconds,
        buffer.Inode,
        ((ulong)buffer.DeviceMajor << 32) | buffer.DeviceMinor);

    /// <summary>As .NET's <see cref="FileInfo"/> turns a Unix time into a <see cref="DateTime"/>, so the two compare equal.</summary>
    private static DateTime ToUtc(long seconds, uint nanoseconds) =>
        DateTime.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (nanoseconds / TimeSpan.NanosecondsPerTick));
}
