using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Real writers of a real file, each a child process (<c>sh</c> and <c>cat</c>), for the tests of files written while
/// <c>watch</c> or <c>run</c> looks at them. The test decides when each chunk is written, so nothing depends on timing.
/// </summary>
internal sealed class SlowWriter : IDisposable
{
    private readonly Process _process;
    private readonly string _path;
    private long _written;

    private SlowWriter(string path)
    {
        _path = path;
        _written = Length();
        _process = Start(path);
    }

    /// <summary>A writer that opens <paramref name="path"/> for appending and keeps it open until <see cref="CloseAsync"/>.</summary>
    public static SlowWriter HoldOpen(string path) => new(path);

    /// <summary>Writes <paramref name="lines"/> and waits until the file has them (the child writes as it reads).</summary>
    public async Task WriteAsync(IEnumerable<string> lines)
    {
        var bytes = Bytes(lines);
        await _process.StandardInput.BaseStream.WriteAsync(bytes);
        await _process.StandardInput.BaseStream.FlushAsync();
        _written += bytes.Length;
        for (var i = 0; i < 12_000 && Length() < _written; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(_written, Length());
    }

    /// <summary>Ends the writer: it closes the file and exits.</summary>
    public async Task CloseAsync()
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync();
        Assert.Equal(0, _process.ExitCode);
    }

    /// <summary>Appends <paramref name="lines"/> to <paramref name="path"/> by a child process that opens, writes and closes it.</summary>
    public static async Task AppendAndCloseAsync(string path, IEnumerable<string> lines)
    {
        using var writer = HoldOpen(path);
        await writer.WriteAsync(lines);
        await writer.CloseAsync();
    }

    /// <summary>Renames by <c>mv</c>, as a writer does when done.</summary>
    public static async Task RenameAsync(string from, string to)
    {
        using var mv = Process.Start("mv", [from, to]);
        await mv.WaitForExitAsync();
        Assert.Equal(0, mv.ExitCode);
    }

    /// <summary>The file's bytes: each line ended by LF.</summary>
    public static byte[] Bytes(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));

    public static string Sha256(IEnumerable<string> lines) => Convert.ToHexStringLower(SHA256.HashData(Bytes(lines)));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    /// <summary>The file's length; 0 before the child has created it.</summary>
    private long Length() => new FileInfo(_path) is { Exists: true } info ? info.Length : 0;

    private static Process Start(string path)
    {
        var startInfo = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardInput = true };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec cat >> \"$1\"");
        startInfo.ArgumentList.Add("sh");
        startInfo.ArgumentList.Add(path);
        return Process.Start(startInfo)!;
    }
}
