namespace TransactionEtl.Cli.Internal;

/// <summary>The command line itself is wrong (unknown command or option, missing argument, option out of range).</summary>
/// <param name="message">What is wrong.</param>
/// <param name="command">The command whose help to point to, e.g. <c>txetl run</c>.</param>
internal sealed class UsageException(string message, string command = "txetl") : Exception(message)
{
    public string Command { get; } = command;
}
