using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransactionEtl.Cli.Internal;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl db url</c>: prints a libpq URI of the database, for <c>psql "$(txetl db url)"</c>. Starts and
/// migrates the local cluster first, so the URL always works.
/// </summary>
internal sealed class DbUrlCommand(CliEnvironment environment) : AsyncCommand<DbUrlCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--tcp")]
        [Description("Print a loopback TCP URL with the generated password (for GUI tools) instead of the Unix-socket URL, which needs no password.")]
        public bool Tcp { get; set; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (DatabaseTarget.ExternalUrl(settings, environment) is { } url)
        {
            // The user's own URL: checked and migrated like any other target, then echoed as given.
            await DatabaseTarget.ConnectAsync(settings, environment, cancellationToken);
            environment.Output.WriteLine(url);
            return ExitCodes.Ok;
        }
        await DatabaseTarget.ConnectAsync(settings, environment, cancellationToken);
        var local = DatabaseTarget.Local(environment);
        local.GetStatus();
        environment.Output.WriteLine(settings.Tcp
            ? local.GetTcpUrl(DatabaseTarget.LocalDatabase)
            : local.GetUrl(DatabaseTarget.LocalDatabase));
        return ExitCodes.Ok;
    }
}
