namespace TransactionEtl.Cli.Internal;

/// <summary>
/// Process exit codes shared by every command, listed in README.md's "Exit codes" table; 130 also in
/// docs/architecture.md.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The work failed: a file failed to load, a file or contract is missing, the database is unreachable.</summary>
    public const int Failure = 1;

    /// <summary>A file was rejected; with <c>--fail-on-rejects</c>, also a file with any rejected row.</summary>
    public const int Rejected = 2;

    /// <summary><c>db status</c>: the local cluster exists but no server runs on it (as <c>pg_ctl status</c>).</summary>
    public const int Stopped = 3;

    /// <summary>
    /// No local cluster in <c>$TXETL_HOME</c>: <c>db status</c>, and read-only commands, which create none (as
    /// <c>pg_ctl status</c> for "no accessible data directory").
    /// </summary>
    public const int NoDatabase = 4;

    /// <summary>The command line is wrong and nothing ran; EX_USAGE of BSD's sysexits.h, distinct from a failed load.</summary>
    public const int Usage = 64;

    /// <summary>Ctrl+C, as shells report a SIGINT death.</summary>
    public const int Cancelled = 130;
}
