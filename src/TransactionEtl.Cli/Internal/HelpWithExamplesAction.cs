using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>--help</c>: System.CommandLine's help, then the command's <see cref="HelpExamples"/>. Wrapping the action, not
/// customizing the help builder's layout, keeps the stock sections exactly as the library writes them.
/// </summary>
internal sealed class HelpWithExamplesAction(HelpAction help) : SynchronousCommandLineAction
{
    /// <summary>As the wrapped help: <c>run --help</c> without a file is help, not a missing-argument error.</summary>
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var exitCode = help.Invoke(parseResult);
        var examples = HelpExamples.For(TxetlApp.CommandPath(parseResult.CommandResult));
        if (examples.Count > 0)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in examples)
            {
                output.WriteLine("  " + example);
            }
            output.WriteLine();
        }
        return exitCode;
    }
}
