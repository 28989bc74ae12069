using Spectre.Console;
using Spectre.Console.Cli;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Postgres;

namespace TransactionEtl.Cli.Commands;

/// <summary><c>txetl db migrate</c>: creates and starts the local cluster if needed, then applies pending migrations.</summary>
internal sealed class DbMigrateCommand(CliEnvironment environment) : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        var (connectionString, local) = await DatabaseTarget.ConnectWithoutMigratingAsync(settings, environment, cancellationToken);
        var result = await DatabaseMigrator.MigrateAsync(connectionString, cancellationToken);
        var output = environment.Output;
        if (local is not null)
        {
            output.WriteLine($"Local PostgreSQL in {local.DataDirectory} is running on port {local.Port}.");
        }
        foreach (var script in result.AppliedScripts)
        {
            output.WriteLine($"Applied {script}");
        }
        output.WriteLine(result.WasUpToDate
            ? $"Schema is up to date ({result.KnownScripts.Count} migrations applied earlier)."
            : $"Schema migrated: {result.AppliedScripts.Count} of {result.KnownScripts.Count} migrations applied now.");
        return ExitCodes.Ok;
    }
}
