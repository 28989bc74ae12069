using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Internal;

namespace TransactionEtl.Postgres;

// Starting the server: the lock that serializes starters, pg_ctl start on the port chosen once, and running the tools.
public sealed partial class LocalPostgres
{
    private const string LockFileName = ".lock";

    private async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(RootDirectory, LockFileName);
        var deadline = DateTime.UtcNow + _options.Timeout;
        while (true)
        {
            try
            {
                // On Unix, FileShare.None takes an flock(LOCK_EX) that the kernel drops if the process dies.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (IOException ex)
            {
                throw new TransactionEtlException(
                    $"another process has been starting the database in {RootDirectory} for over {TimeoutSeconds}s; retry, or remove {path} if no txetl is running",
                    ex);
            }
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(DataDirectory, PostmasterPidFile.FileName);
        if (File.Exists(pidFile))
        {
            // GetStatus found no live postgres behind it: left over by a killed server or a reboot.
            File.Delete(pidFile);
        }

        var kept = ReadKeptPort();
        // A free port can be taken by someone else between probing and binding; try a few. A kept port is not
        // given up silently: URLs saved by users name it.
        ProcessResult? result = null;
        for (var attempt = 0; attempt < (kept is null ? 3 : 1); attempt++)
        {
            var port = kept ?? FindFreeLoopbackPort();
            await WriteConfigAsync(port, cancellationToken);
            result = await RunToolAsync("pg_ctl", ["start", "-D", DataDirectory, "-w", "-t", TimeoutSeconds, "-l", LogFile], cancellationToken);
            if (result.ExitCode == 0)
            {
                var status = GetStatus();
                if (status.State == LocalPostgresState.Running)
                {
                    Port = status.Port;
                    return;
                }
            }
            if (!LogTail().Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }
            if (kept is not null)
            {
                throw new TransactionEtlException(
                    $"PostgreSQL did not start in {DataDirectory}: its port {kept} is in use by another program; stop that program, " +
                    $"or remove the `port` line of {Path.Combine(DataDirectory, ConfigFileName)} to have a new port chosen");
            }
        }
        throw new TransactionEtlException(
            $"PostgreSQL did not start in {DataDirectory}: {LastLogLine() ?? result?.FirstErrorLine}; see {LogFile}");
    }

    private string LogTail()
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Max(0, stream.Length - 4096), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private string? LastLogLine() =>
        LogTail().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();

    private static int FindFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private Task<ProcessResult> RunToolAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(
            Path.Combine(BinDirectory ?? throw new InvalidOperationException("No bin directory chosen."), program),
            arguments,
            _runAs,
            cancellationToken);

    private async Task ChownAsync(string path, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("chown", [$"{_runAs}:", path], null, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new TransactionEtlException(
                $"could not give {path} to the '{_runAs}' OS user: {result.FirstErrorLine} (as root the cluster runs as that user; create it with `useradd --system {_runAs}`)");
        }
    }
}
