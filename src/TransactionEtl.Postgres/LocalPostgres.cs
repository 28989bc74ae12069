using System.Globalization;
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
/// <para>Split by concern: this file holds the public surface and the status; creating the cluster (initdb),
/// starting the server, and the settings file live in the other <c>LocalPostgres.*.cs</c> files.</para>
/// </remarks>
public sealed partial class LocalPostgres
{
    /// <summary>The cluster's superuser role.</summary>
    public const string SuperUser = "postgres";

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
        ValidateServerSettings(options);
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

    /// <summary>Port of the running server; known after <see cref="EnsureStartedAsync"/> or <see cref="RestartAsync"/>
    /// (<see cref="GetStatus"/> reports the port without setting this).</summary>
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
        return pidFile is { IsAlive: true }
            ? new LocalPostgresStatus(LocalPostgresState.Running, DataDirectory, pidFile.Port, pidFile.Pid)
            : new LocalPostgresStatus(LocalPostgresState.Stopped, DataDirectory, null, null);
    }

    /// <summary>
    /// Creates the cluster if there is none, starts it if it is not running, and otherwise reuses the
    /// running server. Safe to call from several processes at once. Returns the state found before: anything but
    /// <see cref="LocalPostgresState.Running"/> means this call created or started the server.
    /// </summary>
    public async Task<LocalPostgresState> EnsureStartedAsync(CancellationToken cancellationToken = default)
    {
        CreateRootDirectory();
        await using var fileLock = await AcquireLockAsync(cancellationToken);
        var status = GetStatus();
        if (status.State == LocalPostgresState.Running)
        {
            Port = status.Port;
            return status.State;
        }
        BinDirectory = await ChooseBinDirectoryAsync(cancellationToken);
        if (status.State == LocalPostgresState.NotCreated)
        {
            await InitializeAsync(cancellationToken);
        }
        await StartAsync(cancellationToken);
        return status.State;
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
        var status = GetStatus();
        if (status.State != LocalPostgresState.Running)
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
        // The port is read back from postmaster.pid: this instance may not be the one that started the server.
        Port = GetStatus().Port ?? status.Port;
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
}
