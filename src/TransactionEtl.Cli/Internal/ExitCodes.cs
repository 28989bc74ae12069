namespace TransactionEtl.Cli.Internal;

/// <summary>
/// Process exit codes shared by every command, listed in README.md's "Exit codes" table; 130 also in
/// docs/architecture.md.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Rejected = 2;

    /// <summary><c>db status</c>: the local cluster exists but no server runs on it (as <c>pg_ctl status</c>).</summary>
    public const int Stopped = 3;

    /// <summary>
    /// No local cluster in <c>$TXETL_HOME</c>: <c>db status</c>, and read-only commands, which create none (as
    /// <c>pg_ctl status</c> for "no accessible data directory").
    /// </summary>
    public const int NoDatabase = 4;

    /// <summary>Ctrl+C, as shells report a SIGINT death.</summary>
    public const int Cancelled = 130;
}
