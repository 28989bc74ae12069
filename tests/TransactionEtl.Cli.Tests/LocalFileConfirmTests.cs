using System.Security.Cryptography;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// The last look before commit (<c>LocalFileLoad.ConfirmUnchangedAsync</c>) with the time of the open injected: a file
/// whose ctime had settled is vouched for by its statx stamp, everything else by its hash. A SHA-256 that is not the
/// file's tells which way it went: the stamp accepts it unread, the hash names the difference.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // statx
public sealed class LocalFileConfirmTests : IDisposable
{
    private const string NotTheFilesHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private readonly ScratchDirectory _dir = new("txetl-confirm-");

    public LocalFileConfirmTests() => Directory.CreateDirectory(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_settled_file_with_the_same_stamp_is_not_read_again()
    {
        var (path, opened, settled, _) = Open("settled.csv", settledAtOpen: true);

        Assert.NotNull(settled);
        Assert.Null(await ConfirmAsync(path, opened, settled, NotTheFilesHash));
    }

    [Fact]
    public async Task A_file_changed_within_the_margin_of_the_open_is_hashed()
    {
        var (path, opened, settled, _) = Open("racy.csv", settledAtOpen: false);

        Assert.Null(settled);
        Assert.StartsWith("the content's SHA-256 is now ", await ConfirmAsync(path, opened, settled, NotTheFilesHash));
    }

    [Fact]
    public async Task A_settled_file_rewritten_with_the_same_size_and_its_old_time_fails_on_its_hash()
    {
        var (path, opened, settled, sha256) = Open("rewritten.csv", settledAtOpen: true);
        InodeStampTests.WaitPastChangeTime(settled!.Value);

        var bytes = File.ReadAllBytes(path);
        bytes[^2] = (byte)'D';
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, opened.LastWriteUtc);

        Assert.Equal(opened, FileStamp.Of(path));
        Assert.StartsWith("the content's SHA-256 is now ", await ConfirmAsync(path, opened, settled, sha256));
    }

    [Fact]
    public async Task A_settled_file_whose_mode_changed_is_hashed_and_passes_when_its_bytes_are_the_same()
    {
        var (path, opened, settled, sha256) = Open("chmod.csv", settledAtOpen: true);
        InodeStampTests.WaitPastChangeTime(settled!.Value);

        File.SetUnixFileMode(path, UnixFileMode.UserRead);

        Assert.StartsWith("the content's SHA-256 is now ", await ConfirmAsync(path, opened, settled, NotTheFilesHash));
        Assert.Null(await ConfirmAsync(path, opened, settled, sha256));
    }

    [Fact]
    public async Task A_settled_file_appended_to_keeps_the_size_message()
    {
        var (path, opened, settled, sha256) = Open("appended.csv", settledAtOpen: true);

        File.AppendAllText(path, "more\n");

        Assert.Equal($"the size went from {opened.Length} to {opened.Length + 5} bytes", await ConfirmAsync(path, opened, settled, sha256));
    }

    /// <summary>
    /// Writes a file and takes its stamps as the load does at open, with the open <c>settledAtOpen</c> seconds past the
    /// margin after its ctime, or within it.
    /// </summary>
    private (string Path, FileStamp Opened, InodeStamp? Settled, string Sha256) Open(string name, bool settledAtOpen)
    {
        var path = Path.Combine(_dir.Path, name);
        var bytes = "id,amount\nA-1,10.00\nA-2,12.50\n"u8.ToArray();
        File.WriteAllBytes(path, bytes);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var changed = InodeStamp.Of(file.SafeFileHandle)!.Value.ChangeUtc;
        var looked = changed + (settledAtOpen ? InodeStamp.SettledMargin + TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1));
        return (path, FileStamp.Of(file), InodeStamp.SettledOf(file.SafeFileHandle, looked), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    private static Task<string?> ConfirmAsync(string path, FileStamp opened, InodeStamp? settled, string sha256) =>
        LocalFileLoad.ConfirmUnchangedAsync(path, opened, settled, sha256, CancellationToken.None);
}
