using System.CommandLine;
using Spectre.Console;
using TransactionEtl.Cli.Internal;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl db url</c>: prints a libpq URI of the database, for <c>psql "$(txetl db url)"</c>. Starts (saying so on
/// stderr) and migrates an existing local cluster first, so the URL works; creates none.
/// </summary>
internal sealed class DbUrlCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Option<bool> _tcp = new("--tcp")
    {
        Description = "Print a loopback TCP URL with the generated password (for GUI tools) instead of the Unix-socket URL, which needs no password.",
    };

    public DbUrlCommand(CliEnvironment environment, GlobalOptions globals)
        : base("url", "Print a connection URL, e.g. psql \"$(txetl db url)\". Starts an existing local cluster; creates none (exit 4).")
    {
        _environment = environment;
        Options.Add(_tcp);
        SetAction((parse, cancellationToken) =>
            ExecuteAsync(globals.Fill(new Settings { Tcp = parse.GetValue(_tcp) }, parse), cancellationToken));
    }

    internal sealed class Settings : GlobalSettings
    {
        public bool Tcp { get; init; }
    }

    private async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (DatabaseTarget.ExternalUrl(settings, _environment) is { } url)
        {
            // The user's own URL: checked and migrated like any other target, then echoed as given.
            await DatabaseTarget.ConnectAsync(settings, _environment, cancellationToken);
            _environment.Output.WriteLine(url);
            return ExitCodes.Ok;
        }
        await DatabaseTarget.ConnectAsync(settings, _environment, LocalCluster.MustExist, cancellationToken);
        var local = DatabaseTarget.Local(_environment);
        await local.EnsureStartedAsync(cancellationToken); // running already: reads its port
        _environment.Output.WriteLine(settings.Tcp
            ? local.GetTcpUrl(DatabaseTarget.LocalDatabase)
            : local.GetUrl(DatabaseTarget.LocalDatabase));
        return ExitCodes.Ok;
    }
}
