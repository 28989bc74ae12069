using System.Diagnostics;
using System.Globalization;
using TransactionEtl.Postgres;

namespace TransactionEtl.Testing;

/// <summary>
/// The one throwaway PostgreSQL cluster of a test process: created on first use in a temporary directory
/// with fsync off, stopped and deleted when the process exits. Clusters left behind by test processes that
/// were killed are removed the next time a test process starts one.
/// </summary>
public sealed class TestCluster
{
    private const string DirectoryPrefix = "txetl-test-";
    private static readonly Lazy<Task<TestCluster>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private TestCluster(LocalPostgres postgres) => Postgres = postgres;

    /// <summary>The cluster itself (status, connection strings, stop).</summary>
    public LocalPostgres Postgres { get; }

    /// <summary>Directory of the server programs (pg_ctl, psql's siblings), for tests that drive them.</summary>
    public string BinDirectory => Postgres.BinDirectory!;

    /// <summary>The cluster's data directory.</summary>
    public string DataDirectory => Postgres.DataDirectory;

    /// <summary>Temporary directory holding the whole cluster; deleted at exit.</summary>
    public string RootDirectory => Postgres.RootDirectory;

    /// <summary>Superuser connection string to the maintenance database <c>postgres</c>.</summary>
    public string AdminConnectionString => Postgres.GetConnectionString();

    /// <summary>Starts the process's cluster on first call; later calls return the same one.</summary>
    public static Task<TestCluster> GetAsync() => Shared.Value;

    /// <summary><c>pg_ctl restart -m fast</c>: cuts every open connection; the port stays the same.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => Postgres.RestartAsync(cancellationToken);

    private static async Task<TestCluster> StartAsync()
    {
        await RemoveOrphansAsync();
        var root = Path.Combine(
            Path.GetTempPath(),
            DirectoryPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12]);
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = root, Fsync = false });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Remove(postgres);
        await postgres.EnsureStartedAsync();
        return new TestCluster(postgres);
    }

    /// <summary>
    /// Hands stopping and deleting to a detached shell: the test host gets killed soon after ProcessExit
    /// starts, often before <c>pg_ctl stop -w</c> returns, and the detached shell outlives it.
    /// </summary>
    private static void Remove(LocalPostgres postgres)
    {
        if (postgres.BinDirectory is null)
        {
            return;
        }
        var pgCtl = Quote(Path.Combine(postgres.BinDirectory, "pg_ctl"));
        var runAs = Environment.IsPrivilegedProcess ? "runuser -u postgres -- " : string.Empty;
        var script = $"{runAs}{pgCtl} stop -D {Quote(postgres.DataDirectory)} -m immediate -w -t 30 >/dev/null 2>&1; rm -rf {Quote(postgres.RootDirectory)}";
        var startInfo = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (startInfo.FileName != "/bin/sh")
        {
            startInfo.ArgumentList.Add("/bin/sh");
        }
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(script);
        try
        {
            using var process = Process.Start(startInfo);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            // The next test process removes what is left (RemoveOrphansAsync).
            Console.Error.WriteLine($"TestCluster: could not remove {postgres.RootDirectory}: {ex.Message}");
        }
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Stops and deletes clusters whose test process no longer exists (killed runs).</summary>
    private static async Task RemoveOrphansAsync()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var owner = Path.GetFileName(directory)[DirectoryPrefix.Length..].Split('-')[0];
            if (!int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsAlive(pid))
            {
                continue;
            }
            var orphan = new LocalPostgres(new LocalPostgresOptions { RootDirectory = directory, Fsync = false });
            try
            {
                await orphan.StopAsync();
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"TestCluster: could not remove orphaned {directory}: {ex.Message}");
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
