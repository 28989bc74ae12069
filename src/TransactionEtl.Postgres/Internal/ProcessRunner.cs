using System.ComponentModel;
using System.Diagnostics;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Internal;

/// <summary>
/// Runs the PostgreSQL tools. When <c>runAs</c> is set (we are root), the tool runs through
/// <c>runuser -u USER --</c> because initdb and postgres refuse to run as root.
/// </summary>
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string? runAs, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = CreateStartInfo(fileName, arguments, runAs) };
        Start(process, runAs);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await WaitForExitOrKillAsync(process, cancellationToken);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments, string? runAs)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            // The caller's directory may be unreadable for the postgres user (e.g. /root); initdb then fails
            // with "could not identify current directory".
            WorkingDirectory = "/",
        };
        if (runAs is null)
        {
            startInfo.FileName = fileName;
        }
        else
        {
            startInfo.FileName = "runuser";
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add(runAs);
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(fileName);
        }
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // Locale variables of the caller (e.g. LC_ALL=xx) can make initdb fail; the cluster sets its own.
        startInfo.Environment["LC_ALL"] = "C";
        startInfo.Environment.Remove("PGDATA");
        return startInfo;
    }

    private static void Start(Process process, string? runAs)
    {
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new TransactionEtlException(
                $"could not start '{process.StartInfo.FileName}': {ex.Message}" +
                (runAs is null ? string.Empty : " (running as root needs util-linux 'runuser' to start PostgreSQL as the 'postgres' user)"),
                ex);
        }
    }

    /// <summary>Waits for the tool; on cancellation kills it and its children rather than leave them running.</summary>
    private static async Task WaitForExitOrKillAsync(Process process, CancellationToken cancellationToken)
    {
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            throw;
        }
    }
}
