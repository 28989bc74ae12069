using System.CommandLine;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Postgres;

namespace TransactionEtl.Cli.Commands;

/// <summary><c>txetl db migrate</c>: creates and starts the local cluster if needed, then applies pending migrations.</summary>
internal sealed class DbMigrateCommand : Command
{
    private readonly CliEnvironment _environment;

    public DbMigrateCommand(CliEnvironment environment, GlobalOptions globals)
        : base("migrate", "Create and start the local cluster if needed, then apply pending schema migrations.")
    {
        _environment = environment;
        SetAction((parse, cancellationToken) => ExecuteAsync(globals.Fill(new GlobalSettings(), parse), cancellationToken));
    }

    private async Task<int> ExecuteAsync(GlobalSettings settings, CancellationToken cancellationToken)
    {
        var (connectionString, local) = await DatabaseTarget.ConnectWithoutMigratingAsync(settings, _environment, LocalCluster.CreateIfMissing, cancellationToken);
        var result = await DatabaseMigrator.MigrateAsync(connectionString, cancellationToken);
        var output = _environment.Output;
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
