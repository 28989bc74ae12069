namespace TransactionEtl.Postgres;

/// <summary>Where and how <see cref="LocalPostgres"/> keeps its cluster. Validated once by its constructor.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// Directory that holds the cluster (<c>pgdata/</c>), the generated superuser password and a lock file.
    /// The CLI uses <c>$TXETL_HOME</c> (default <c>./.txetl/</c>).
    /// </summary>
    public required string RootDirectory { get; init; }

    /// <summary>
    /// Whether the server flushes to disk. Off only for throwaway test clusters, where losing data on a
    /// power cut does not matter and the speed does.
    /// </summary>
    public bool Fsync { get; init; } = true;

    /// <summary>PATH-style list searched first for the server programs; <c>null</c> means the process's PATH.</summary>
    public string? SearchPath { get; init; }

    /// <summary>
    /// Directories searched after <see cref="SearchPath"/>; '*' in a pattern stands for a version and the newest
    /// match is tried first. <c>null</c> means the usual places (Debian, RPM and Homebrew layouts).
    /// </summary>
    public IReadOnlyList<string>? SearchPatterns { get; init; }

    /// <summary>
    /// OS user that runs initdb and postgres when this process is root (both refuse to run as root).
    /// </summary>
    public string ServiceUser { get; init; } = "postgres";

    /// <summary>
    /// More server settings (<c>postgresql.conf</c> names and values) written after the built-in ones, e.g. <c>ssl</c>,
    /// <c>ssl_cert_file</c> and <c>ssl_key_file</c> for a test cluster with TLS. Names must be plain setting names;
    /// values are quoted. Empty by default: the CLI's cluster needs none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ServerSettings { get; init; }

    /// <summary>How long to wait for the server to start or stop.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}
