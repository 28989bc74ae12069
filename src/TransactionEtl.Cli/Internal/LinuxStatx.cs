using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// statx(2) and fstatfs(2), for <see cref="InodeStamp"/>. statx, not stat: <c>struct statx</c> has one layout on every
/// Linux architecture (linux/stat.h), while <c>struct stat</c> differs between them. Every failure (not Linux, a libc
/// without statx, a kernel or seccomp filter that refuses it) reads as "nothing known", and the caller hashes.
/// </summary>
internal static partial class LinuxStatx
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint WantedMask = 0x40 | 0x80 | 0x100 | 0x200; // STATX_MTIME | STATX_CTIME | STATX_INO | STATX_SIZE

    /// <summary>The leading fields of <c>struct statx</c> this reads; the kernel writes all 256 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct Buffer
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(96)] public long ChangeSeconds;
        [FieldOffset(104)] public uint ChangeNanoseconds;
        [FieldOffset(112)] public long WriteSeconds;
        [FieldOffset(120)] public uint WriteNanoseconds;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }

    /// <summary>The file <paramref name="handle"/> has open; false when statx cannot tell its size, times and inode.</summary>
    public static bool TryRead(SafeFileHandle handle, out Buffer buffer)
    {
        buffer = default;
        try
        {
            return Complete(Statx(handle, "", AtEmptyPath, WantedMask, out buffer), buffer);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // Not Linux, or a libc older than statx (glibc 2.28): the caller hashes.
        }
    }

    /// <summary>The file at <paramref name="path"/> (a symbolic link followed, as <see cref="FileInfo"/> does).</summary>
    public static bool TryRead(string path, out Buffer buffer)
    {
        buffer = default;
        try
        {
            return Complete(Statx(AtFdCwd, path, 0, WantedMask, out buffer), buffer);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // As above.
        }
    }

    /// <summary>
    /// The magic number of the file system <paramref name="handle"/> is on (<c>f_type</c>, linux/magic.h), or 0. Only
    /// <c>f_type</c> is read: it is the first field of <c>struct statfs</c> on every Linux ABI, a C <c>long</c> (its low
    /// 32 bits hold every magic) except on s390x, an <c>int</c>, where the value read matches no magic and the caller
    /// hashes.
    /// </summary>
    public static long FileSystemType(SafeFileHandle handle)
    {
        Span<nint> statfs = stackalloc nint[64]; // larger than struct statfs on every ABI
        try
        {
            return FStatfs(handle, ref MemoryMarshal.GetReference(statfs)) == 0 ? (long)((ulong)statfs[0] & 0xFFFF_FFFF) : 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return 0; // As above.
        }
    }

    /// <summary>A call succeeded only if the kernel filled every field asked for (a file system may leave some out).</summary>
    private static bool Complete(int result, in Buffer buffer) => result == 0 && (buffer.Mask & WantedMask) == WantedMask;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out Buffer buffer);

    // The descriptor as a SafeFileHandle: the marshaller holds a reference on it for the call (AddRef/Release), so
    // the file cannot be closed and its number reused while the kernel reads it.
    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(SafeFileHandle descriptor, string path, int flags, uint mask, out Buffer buffer);

    [LibraryImport("libc", EntryPoint = "fstatfs")]
    private static partial int FStatfs(SafeFileHandle descriptor, ref nint buffer);
}
