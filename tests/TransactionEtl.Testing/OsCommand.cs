using System.Diagnostics;

namespace TransactionEtl.Testing;

/// <summary>Runs a small OS command (stat, chown, id) for assertions about files and users.</summary>
public static class OsCommand
{
    /// <summary>Runs the program and returns its trimmed stdout; throws when it fails.</summary>
    public static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TryRunAsync(fileName, arguments);
        return exitCode == 0
            ? stdout
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({exitCode}): {stderr}");
    }

    /// <summary>Runs the program and returns its exit code and trimmed output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> TryRunAsync(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    /// <summary>The owner's user name of a file or directory.</summary>
    public static Task<string> OwnerAsync(string path) => RunAsync("stat", "-c", "%U", path);

    /// <summary>True when an OS user of that name exists.</summary>
    public static async Task<bool> UserExistsAsync(string user) => (await TryRunAsync("id", "-u", user)).ExitCode == 0;
}
