using System.CommandLine;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Commands;

/// <summary><c>txetl db stop</c>: stops the local cluster (fast shutdown). Stopping a stopped cluster is fine.</summary>
internal sealed class DbStopCommand : Command
{
    private readonly CliEnvironment _environment;

    public DbStopCommand(CliEnvironment environment, GlobalOptions globals)
        : base("stop", "Stop the local cluster.")
    {
        _environment = environment;
        SetAction((parse, cancellationToken) => ExecuteAsync(globals.Fill(new GlobalSettings(), parse), cancellationToken));
    }

    private async Task<int> ExecuteAsync(GlobalSettings settings, CancellationToken cancellationToken)
    {
        if (DatabaseTarget.ExternalUrl(settings, _environment) is not null)
        {
            throw new TransactionEtlException(
                "db stop stops only the local database in $TXETL_HOME; a database given by --database-url or TXETL_DATABASE_URL is not managed by txetl");
        }
        var local = DatabaseTarget.Local(_environment);
        var stopped = await local.StopAsync(cancellationToken);
        _environment.Output.WriteLine(stopped
            ? $"Stopped the local PostgreSQL in {local.DataDirectory}."
            : $"The local PostgreSQL in {local.RootDirectory} is not running.");
        return ExitCodes.Ok;
    }
}
