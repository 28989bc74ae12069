namespace TransactionEtl.Cli.Internal;

/// <summary>The command line itself is wrong (unknown command, missing argument, option out of range).</summary>
internal sealed class UsageException(string message) : Exception(message);
