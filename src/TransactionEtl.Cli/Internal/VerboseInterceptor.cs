using Spectre.Console.Cli;

namespace TransactionEtl.Cli.Internal;

/// <summary>Copies <c>--verbose</c> to the environment before the command runs, for the error handler.</summary>
internal sealed class VerboseInterceptor(CliEnvironment environment) : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        if (settings is GlobalSettings { Verbose: true })
        {
            environment.Verbose = true;
        }
    }

    public void InterceptResult(CommandContext context, CommandSettings settings, ref int result)
    {
    }
}
