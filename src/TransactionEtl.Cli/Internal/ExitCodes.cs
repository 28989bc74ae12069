namespace TransactionEtl.Cli.Internal;

/// <summary>
/// Process exit codes shared by every command: 0 ok, 2 file rejected, 1 failure or usage, 130 cancelled.
/// Documented per command in the "exit codes" column of README.md's command table (section Commands), and 130
/// in docs/architecture.md.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Rejected = 2;

    /// <summary>Ctrl+C, as shells report a SIGINT death.</summary>
    public const int Cancelled = 130;
}
