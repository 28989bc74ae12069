namespace TransactionEtl.Postgres.Internal;

/// <summary>Who this process runs as. initdb and postgres refuse to run as root, so root hands them to another user.</summary>
internal static class UnixUser
{
    /// <summary>Effective uid 0 on Unix (what <see cref="Environment.IsPrivilegedProcess"/> checks there).</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;
}
