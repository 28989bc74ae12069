using System.Reflection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace TransactionEtl.Cli;

/// <summary>Builds the <c>txetl</c> command tree. Each command lives in its own file under Commands/.</summary>
internal static class TxetlApp
{
    public static Task<int> RunAsync(string[] args, IAnsiConsole? console = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("txetl");
            config.SetApplicationVersion(
                typeof(TxetlApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");
            if (console is not null)
            {
                config.ConfigureConsole(console);
            }
            // Commands from each issue register here.
            config.AddCommand<Commands.SampleCommand>("sample").WithDescription("Write a realistic transactions CSV (demos, benchmarks).");
        });
        return app.RunAsync(args);
    }
}
