using Spectre.Console;
using Spectre.Console.Cli;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Commands;

/// <summary><c>txetl db stop</c>: stops the local cluster (fast shutdown). Stopping a stopped cluster is fine.</summary>
internal sealed class DbStopCommand(CliEnvironment environment) : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, GlobalSettings settings, CancellationToken cancellationToken)
    {
        if (DatabaseTarget.ExternalUrl(settings, environment) is not null)
        {
            throw new TransactionEtlException(
                "db stop stops only the local database in $TXETL_HOME; a database given by --database-url or TXETL_DATABASE_URL is not managed by txetl");
        }
        var local = DatabaseTarget.Local(environment);
        var stopped = await local.StopAsync(cancellationToken);
        environment.Output.WriteLine(stopped
            ? $"Stopped the local PostgreSQL in {local.DataDirectory}."
            : $"The local PostgreSQL in {local.RootDirectory} is not running.");
        return ExitCodes.Ok;
    }
}
