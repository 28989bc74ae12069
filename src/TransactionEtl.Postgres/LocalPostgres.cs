using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Internal;

namespace TransactionEtl.Postgres;

/// <summary>
/// A PostgreSQL cluster that the project creates and starts itself, in a directory it owns: the embedded
/// default database of the CLI and the throwaway database of the test suites.
/// </summary>
/// <remarks>
/// <para>Authentication: the server listens on a Unix socket inside the data directory and on one loopback TCP
/// port (<c>listen_addresses = 127.0.0.1</c>). The socket uses <c>trust</c>: the data directory is mode 0700, so
/// only the OS user owning the cluster (and root) can reach the socket at all — the file system is the access
/// check. TCP uses <c>scram-sha-256</c> with a random superuser password kept in <see cref="PasswordFile"/>
/// (mode 0600), so other local users who can reach 127.0.0.1 cannot log in.</para>
/// <para>As root, the directories are handed to <see cref="LocalPostgresOptions.ServiceUser"/> and the tools run
/// through <c>runuser</c>; as any other user they run directly.</para>
/// <para>Concurrent starters (two CLI commands at once) are serialized by an exclusive lock on a file in the
/// root directory; a running server is found again through its <c>postmaster.pid</c>.</para>
/// </remarks>
public sealed class LocalPostgres
{
    /// <summary>The cluster's superuser role.</summary>
    public const string SuperUser = "postgres";

    private const string ConfigFileName = "txetl.conf";
    private const string LockFileName = ".lock";

    // sun_path holds 104 bytes on macOS and 108 on Linux, including the terminating NUL.
    private const int MaxSocketPathBytes = 103;

    private readonly LocalPostgresOptions _options;
    private readonly string? _runAs;

    /// <summary>Validates the options; nothing is created until <see cref="EnsureStartedAsync"/>.</summary>
    public LocalPostgres(LocalPostgresOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RootDirectory))
        {
            throw new ArgumentException("RootDirectory is required.", nameof(options));
        }
        foreach (var (name, value) in options.ServerSettings ?? new Dictionary<string, string>())
        {
            // Written into a config file: a line break or an odd name would let a value add settings of its own.
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.')
                || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
            {
                throw new ArgumentException($"ServerSettings: '{name}' is not a plain setting name, or its value holds a line break.", nameof(options));
            }
        }
        _options = options;
        RootDirectory = Path.GetFullPath(options.RootDirectory);
        DataDirectory = Path.Combine(RootDirectory, "pgdata");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("LocalPostgres needs a Unix system; on Windows pass --database-url.");
        }
        _runAs = UnixUser.IsRoot ? options.ServiceUser : null;
    }

    /// <summary>The directory holding everything of this cluster.</summary>
    public string RootDirectory { get; }

    /// <summary>The cluster's data directory (also the Unix socket directory).</summary>
    public string DataDirectory { get; }

    /// <summary>The generated superuser password for TCP connections (mode 0600).</summary>
    public string PasswordFile => Path.Combine(RootDirectory, "superuser.password");

    /// <summary>The server log (pg_ctl <c>-l</c>).</summary>
    public string LogFile => Path.Combine(DataDirectory, "server.log");

    /// <summary>Directory of the server programs in use; known once the cluster was created or started here.</summary>
    public string? BinDirectory { get; private set; }

    /// <summary>Port of the running server; known after <see cref="EnsureStartedAsync"/> or a running <see cref="GetStatus"/>.</summary>
    public int? Port { get; private set; }

    /// <summary>True when the server also listens on a Unix socket (the data directory path is short enough).</summary>
    public bool UsesUnixSocket =>
        Encoding.UTF8.GetByteCount(DataDirectory) + "/.s.PGSQL.65535".Length <= MaxSocketPathBytes;

    /// <summary>Reads the state from the files only: needs neither the server programs nor a running server.</summary>
    public LocalPostgresStatus GetStatus()
    {
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return new LocalPostgresStatus(LocalPostgresState.NotCreated, DataDirectory, null, null);
        }
        var pidFile = ReadPidFile();
        if (pidFile is { IsAlive: true })
        {
            Port = pidFile.Port;
            return new LocalPostgresStatus(LocalPostgresState.Running, DataDirectory, pidFile.Port, pidFile.Pid);
        }
        return new LocalPostgresStatus(LocalPostgresState.Stopped, DataDirectory, null, null);
    }

    /// <summary>
    /// Creates the cluster if there is none, starts it if it is not running, and otherwise reuses the
    /// running server. Safe to call from several processes at once.
    /// </summary>
    public async Task EnsureStartedAsync(CancellationToken cancellationToken = default)
    {
        CreateRootDirectory();
        await using var fileLock = await AcquireLockAsync(cancellationToken);
        var status = GetStatus();
        if (status.State == LocalPostgresState.Running)
        {
            return;
        }
        BinDirectory = await ChooseBinDirectoryAsync(cancellationToken);
        if (status.State == LocalPostgresState.NotCreated)
        {
            await InitializeAsync(cancellationToken);
        }
        await StartAsync(cancellationToken);
    }

    /// <summary>Stops the server (fast shutdown: open sessions are ended). Returns false when it was not running.</summary>
    public async Task<bool> StopAsync(CancellationToken cancellationToken = default)
    {
        if (GetStatus().State != LocalPostgresState.Running)
        {
            return false;
        }
        BinDirectory ??= await ChooseBinDirectoryAsync(cancellationToken);
        var result = await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", TimeoutSeconds], cancellationToken);
        if (result.ExitCode != 0 && GetStatus().State == LocalPostgresState.Running)
        {
            throw new TransactionEtlException($"could not stop PostgreSQL in {DataDirectory}: {result.FirstErrorLine}");
        }
        Port = null;
        return true;
    }

    /// <summary>
    /// Restarts the running server with a fast shutdown, keeping its port, so that fault tests can cut every
    /// open connection (<c>pg_ctl restart -m fast</c>).
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (GetStatus().State != LocalPostgresState.Running)
        {
            throw new InvalidOperationException("The cluster is not running.");
        }
        BinDirectory ??= await ChooseBinDirectoryAsync(cancellationToken);
        // pg_ctl restart reuses the previous command line (postmaster.opts), so the port stays the same.
        var result = await RunToolAsync(
            "pg_ctl", ["restart", "-D", DataDirectory, "-m", "fast", "-w", "-t", TimeoutSeconds, "-l", LogFile], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new TransactionEtlException($"could not restart PostgreSQL in {DataDirectory}: {result.FirstErrorLine}; see {LogFile}");
        }
        GetStatus();
    }

    /// <summary>An Npgsql connection string for the running server (Unix socket when available, no password then).</summary>
    public string GetConnectionString(string database = "postgres")
    {
        var port = Port ?? throw new InvalidOperationException("The cluster is not running; call EnsureStartedAsync first.");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = UsesUnixSocket ? DataDirectory : "127.0.0.1",
            Port = port,
            Username = SuperUser,
            Database = database,
        };
        if (!UsesUnixSocket)
        {
            builder.Password = ReadPassword();
        }
        return builder.ConnectionString;
    }

    /// <summary>
    /// A libpq URI for <c>psql "$(txetl db url)"</c>: over the Unix socket, so it carries no password. Falls back to
    /// <see cref="GetTcpUrl"/> when the socket is off.
    /// </summary>
    public string GetUrl(string database = "postgres")
    {
        var port = Port ?? throw new InvalidOperationException("The cluster is not running; call EnsureStartedAsync first.");
        if (!UsesUnixSocket)
        {
            return GetTcpUrl(database);
        }
        return string.Create(
            CultureInfo.InvariantCulture,
            $"postgresql://{SuperUser}@/{Uri.EscapeDataString(database)}?host={Uri.EscapeDataString(DataDirectory)}&port={port}");
    }

    /// <summary>A libpq URI over loopback TCP, including the generated password (for GUI tools and other users).</summary>
    public string GetTcpUrl(string database = "postgres")
    {
        var port = Port ?? throw new InvalidOperationException("The cluster is not running; call EnsureStartedAsync first.");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"postgresql://{SuperUser}:{Uri.EscapeDataString(ReadPassword())}@127.0.0.1:{port}/{Uri.EscapeDataString(database)}");
    }

    private string TimeoutSeconds => ((int)_options.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private string ReadPassword()
    {
        try
        {
            return File.ReadAllText(PasswordFile).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TransactionEtlException(
                $"cannot read the local database password {PasswordFile}: {ex.Message} (it belongs to the user who created the cluster)", ex);
        }
    }

    private PostmasterPidFile? ReadPidFile()
    {
        try
        {
            return PostmasterPidFile.TryRead(DataDirectory);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new TransactionEtlException(
                $"cannot read {DataDirectory}: it belongs to another OS user; run as that user, or set TXETL_HOME to a directory of your own", ex);
        }
    }

    private void CreateRootDirectory()
    {
        if (!Directory.Exists(RootDirectory) && !OperatingSystem.IsWindows())
        {
            // 0755 so that the service user can traverse it when we are root.
            Directory.CreateDirectory(
                RootDirectory,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

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

    /// <summary>Picks the first programs found, but for an existing cluster the ones of its major version.</summary>
    private async Task<string> ChooseBinDirectoryAsync(CancellationToken cancellationToken)
    {
        var candidates = PostgresBinaryLocator.LocateAll(
            _options.SearchPath ?? Environment.GetEnvironmentVariable("PATH"),
            _options.SearchPatterns ?? PostgresBinaryLocator.DefaultSearchPatterns);
        var clusterMajor = PostgresBinaryLocator.ReadClusterMajorVersion(DataDirectory);
        if (clusterMajor is null)
        {
            return candidates[0];
        }
        foreach (var candidate in candidates)
        {
            var version = await ProcessRunner.RunAsync(Path.Combine(candidate, "postgres"), ["--version"], null, cancellationToken);
            // "postgres (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)"
            var words = version.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var number = words.Length >= 3 ? words[2].Split('.')[0] : string.Empty;
            if (number == clusterMajor.Value.ToString(CultureInfo.InvariantCulture))
            {
                return candidate;
            }
        }
        throw new TransactionEtlException(
            $"the cluster in {DataDirectory} was created by PostgreSQL {clusterMajor} but only other versions were found ({string.Join(", ", candidates)}); " +
            $"install PostgreSQL {clusterMajor} or remove {RootDirectory} to create a new cluster");
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(DataDirectory))
        {
            if (Directory.EnumerateFileSystemEntries(DataDirectory).Any())
            {
                throw new TransactionEtlException(
                    $"{DataDirectory} exists but holds no PostgreSQL cluster (no PG_VERSION); remove it so that a new cluster can be created there");
            }
        }
        else if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))
            .Replace('+', '-').Replace('/', '_');
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using (var writer = new StreamWriter(PasswordFile, Encoding.ASCII, options))
        {
            await writer.WriteLineAsync(password.AsMemory(), cancellationToken);
        }

        if (_runAs is not null)
        {
            await ChownAsync(DataDirectory, cancellationToken);
            await ChownAsync(PasswordFile, cancellationToken);
            var reach = await ProcessRunner.RunAsync("test", ["-w", DataDirectory, "-a", "-r", PasswordFile], _runAs, cancellationToken);
            if (reach.ExitCode != 0)
            {
                throw new TransactionEtlException(
                    $"the '{_runAs}' OS user cannot reach {RootDirectory}: every parent directory must be searchable by it (chmod o+x), " +
                    "or set TXETL_HOME to a directory such as /var/tmp/txetl");
            }
        }

        string[] arguments =
        [
            "-D", DataDirectory,
            "-U", SuperUser,
            $"--pwfile={PasswordFile}",
            "--encoding=UTF8",
            "--locale=C",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        ];
        if (!_options.Fsync)
        {
            arguments = [.. arguments, "--no-sync"];
        }
        var result = await RunToolAsync("initdb", arguments, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new TransactionEtlException($"initdb failed for {DataDirectory}: {result.FirstErrorLine}");
        }
        // Our settings live in their own file, rewritten at every start (see WriteConfigAsync).
        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"\n# TransactionEtl: settings of the embedded cluster, rewritten at every start.\ninclude_if_exists = '{ConfigFileName}'\n",
            cancellationToken);
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await WriteConfigAsync(cancellationToken);
        var pidFile = Path.Combine(DataDirectory, PostmasterPidFile.FileName);
        if (File.Exists(pidFile))
        {
            // GetStatus found no live postgres behind it: left over by a killed server or a reboot.
            File.Delete(pidFile);
        }

        // A free port can be taken by someone else between probing and binding; try a few.
        ProcessResult? result = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FindFreeLoopbackPort();
            result = await RunToolAsync(
                "pg_ctl",
                ["start", "-D", DataDirectory, "-w", "-t", TimeoutSeconds, "-l", LogFile, "-o", $"-p {port.ToString(CultureInfo.InvariantCulture)}"],
                cancellationToken);
            if (result.ExitCode == 0)
            {
                var status = GetStatus();
                if (status.State == LocalPostgresState.Running)
                {
                    return;
                }
            }
            if (!LogTail().Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }
        }
        throw new TransactionEtlException(
            $"PostgreSQL did not start in {DataDirectory}: {LastLogLine() ?? result?.FirstErrorLine}; see {LogFile}");
    }

    private async Task WriteConfigAsync(CancellationToken cancellationToken)
    {
        var socketDirectories = UsesUnixSocket ? DataDirectory.Replace("'", "''", StringComparison.Ordinal) : string.Empty;
        var fsync = _options.Fsync ? "on" : "off";
        var config = new StringBuilder()
            .AppendLine("# Written by TransactionEtl (LocalPostgres) at every start; edits are overwritten.")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{socketDirectories}'")
            .AppendLine("unix_socket_permissions = 0700")
            .AppendLine(CultureInfo.InvariantCulture, $"fsync = {fsync}")
            .AppendLine(CultureInfo.InvariantCulture, $"synchronous_commit = {fsync}")
            .AppendLine(CultureInfo.InvariantCulture, $"full_page_writes = {fsync}")
            .AppendLine("password_encryption = 'scram-sha-256'");
        foreach (var (name, value) in _options.ServerSettings ?? new Dictionary<string, string>())
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"{name} = '{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}'");
        }
        var text = config.ToString();
        var path = Path.Combine(DataDirectory, ConfigFileName);
        await File.WriteAllTextAsync(path, text, cancellationToken);
        if (_runAs is not null)
        {
            await ChownAsync(path, cancellationToken);
        }
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
