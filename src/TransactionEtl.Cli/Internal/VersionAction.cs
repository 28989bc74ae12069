using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>--version</c>: this assembly's informational version. System.CommandLine's own action reads the entry
/// assembly, which in-process tests replace with the test host.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return ExitCodes.Ok;
    }
}
