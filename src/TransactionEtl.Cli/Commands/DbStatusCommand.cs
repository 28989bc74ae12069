using System.CommandLine;
using Npgsql;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Postgres;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl db status</c>: whether the local cluster exists and runs (read from its files; starts nothing),
/// or whether the <c>--database-url</c> database is reachable and migrated. Exit 0 running (or reachable),
/// 3 stopped, 4 no cluster, as <c>pg_ctl status</c>.
/// </summary>
internal sealed class DbStatusCommand : Command
{
    private readonly CliEnvironment _environment;

    public DbStatusCommand(CliEnvironment environment, GlobalOptions globals)
        : base("status", "Show whether the local cluster exists and runs (starts nothing). Exit 0 running, 3 stopped, 4 no cluster.")
    {
        _environment = environment;
        SetAction((parse, cancellationToken) => ExecuteAsync(globals.Fill(new GlobalSettings(), parse), cancellationToken));
    }

    private async Task<int> ExecuteAsync(GlobalSettings settings, CancellationToken cancellationToken)
    {
        var output = _environment.Output;
        if (DatabaseTarget.ExternalUrl(settings, _environment) is not null)
        {
            var (connectionString, _) = await DatabaseTarget.ConnectWithoutMigratingAsync(settings, _environment, LocalCluster.MustExist, cancellationToken);
            await using var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch (NpgsqlException ex)
            {
                throw new DatabaseUnavailableException($"the database of --database-url is not reachable: {ex.Message}", ex);
            }
            var applied = await CountAppliedAsync(connection, cancellationToken);
            output.WriteLine($"External database {connection.Database} on {connection.Host}: reachable, PostgreSQL {connection.PostgreSqlVersion}.");
            output.WriteLine($"Migrations: {applied} of {DatabaseMigrator.ScriptNames.Count} applied.");
            return ExitCodes.Ok;
        }

        var local = DatabaseTarget.Local(_environment);
        var status = local.GetStatus();
        switch (status.State)
        {
            case LocalPostgresState.NotCreated:
                output.WriteLine(Visible.Text(
                    $"No local PostgreSQL cluster in {local.RootDirectory} ({DatabaseTarget.HomeSource(_environment)}); `txetl db migrate` creates one."));
                return ExitCodes.NoDatabase;
            case LocalPostgresState.Stopped:
                output.WriteLine(Visible.Text($"Local PostgreSQL cluster in {status.DataDirectory}: stopped (`txetl db url` or a load starts it)."));
                return ExitCodes.Stopped;
            default:
                output.WriteLine(Visible.Text($"Local PostgreSQL cluster in {status.DataDirectory}: running on port {status.Port} (pid {status.Pid})."));
                output.WriteLine("Connect with: psql \"$(txetl db url)\"");
                return ExitCodes.Ok;
        }
    }

    private static async Task<long> CountAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('txetl.schemaversions') IS NOT NULL", connection);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return 0;
        }
        await using var count = new NpgsqlCommand("SELECT count(*) FROM txetl.schemaversions", connection);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }
}
