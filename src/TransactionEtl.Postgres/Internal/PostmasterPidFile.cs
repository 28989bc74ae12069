using System.Diagnostics;
using System.Globalization;

namespace TransactionEtl.Postgres.Internal;

/// <summary>
/// Reads <c>postmaster.pid</c>, which a running server keeps in its data directory: line 1 the pid, line 4 the
/// port, line 5 the socket directory. A file whose pid is not a live postgres process is stale (the server
/// was killed or the machine rebooted).
/// </summary>
internal sealed record PostmasterPidFile(int Pid, int Port, bool IsAlive)
{
    public const string FileName = "postmaster.pid";

    public static PostmasterPidFile? TryRead(string dataDirectory)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(dataDirectory, FileName));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        if (lines.Length < 4
            || !int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            // A server writes the file in steps; a torn or foreign file counts as stale.
            return new PostmasterPidFile(0, 0, false);
        }
        return new PostmasterPidFile(pid, port, IsPostgresProcess(pid));
    }

    private static bool IsPostgresProcess(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            // A recycled pid may belong to anything else after a reboot.
            return !process.HasExited && process.ProcessName is "postgres" or "postmaster";
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
