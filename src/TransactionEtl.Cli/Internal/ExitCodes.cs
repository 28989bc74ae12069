namespace TransactionEtl.Cli.Internal;

/// <summary>Process exit codes shared by every command (see TEAM decisions: 0 ok, 2 file rejected, 1 failure/usage).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Rejected = 2;

    /// <summary>Ctrl+C, as shells report a SIGINT death.</summary>
    public const int Cancelled = 130;
}
