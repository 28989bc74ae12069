using Npgsql;
using TransactionEtl.Postgres;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>Real <c>dotnet txetl.dll</c> processes: concurrency between processes and running as another OS user.</summary>
[Collection(nameof(LocalHomes))]
public sealed class DbProcessTests
{
    [Fact]
    public async Task Two_processes_migrating_one_database_at_once_apply_each_script_once()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        var url = $"host={builder.Host} port={builder.Port} user={builder.Username} dbname={db.Name}";

        using var first = CliTestHost.StartProcess(null, null, "db", "migrate", "--database-url", url);
        using var second = CliTestHost.StartProcess(null, null, "db", "migrate", "--database-url", url);
        var results = new[] { await CliTestHost.WaitAsync(first), await CliTestHost.WaitAsync(second) };

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        // Exactly one of them applied the scripts; the other waited on the lock and found them journaled.
        Assert.Single(results, r => r.Stdout.Contains("Applied 0001_create_schema.sql", StringComparison.Ordinal));
        Assert.Equal(DatabaseMigrator.ScriptNames, await JournalAsync(db.ConnectionString));
    }

    [Fact]
    public async Task Two_processes_starting_one_fresh_home_at_once_share_one_cluster()
    {
        using var home = new ScratchDirectory();
        var environment = new Dictionary<string, string> { ["TXETL_HOME"] = home.Path };
        try
        {
            using var first = CliTestHost.StartProcess(environment, null, "db", "migrate");
            using var second = CliTestHost.StartProcess(environment, null, "db", "migrate");
            var results = new[] { await CliTestHost.WaitAsync(first), await CliTestHost.WaitAsync(second) };

            Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
            var local = new LocalPostgres(new LocalPostgresOptions { RootDirectory = home.Path });
            Assert.Equal(LocalPostgresState.Running, local.GetStatus().State);
            await local.EnsureStartedAsync(); // reuses the running server and takes its port
            Assert.Equal(DatabaseMigrator.ScriptNames, await JournalAsync(local.GetConnectionString("txetl")));
        }
        finally
        {
            await DbCommandTests.StopAsync(home);
        }
    }

    /// <summary>
    /// As root, runs the real CLI as the 'postgres' user with a home it owns, so initdb and postgres run
    /// directly (no runuser). As a normal user every test already takes that path; this one then runs in-process.
    /// </summary>
    [Fact]
    public async Task Runs_as_a_normal_user_without_switching_users()
    {
        using var home = new ScratchDirectory();
        if (!Environment.IsPrivilegedProcess)
        {
            var inProcess = await DbCommandTests.RunAsync(home, "db", "migrate");
            try
            {
                Assert.True(inProcess.ExitCode == 0, inProcess.Stderr);
                Assert.Equal(Environment.UserName, await OsCommand.OwnerAsync(Path.Combine(home.Path, "pgdata")));
            }
            finally
            {
                await DbCommandTests.StopAsync(home);
            }
            return;
        }
        Assert.True(await OsCommand.UserExistsAsync("postgres"), "as root, the 'postgres' OS user is needed (apt-get install postgresql creates it)");
        Directory.CreateDirectory(home.Path);
        await OsCommand.RunAsync("chown", "postgres:", home.Path);
        var environment = new Dictionary<string, string> { ["TXETL_HOME"] = home.Path, ["HOME"] = home.Path };
        try
        {
            var migrate = await CliTestHost.RunProcessAsync(environment, "postgres", "db", "migrate");
            Assert.True(migrate.ExitCode == 0, migrate.Stderr);
            Assert.Contains("Applied 0001_create_schema.sql", migrate.Stdout);

            var url = await CliTestHost.RunProcessAsync(environment, "postgres", "db", "url");
            Assert.Equal(0, url.ExitCode);
            // The server runs as postgres and the data is its own.
            Assert.Equal("postgres", await OsCommand.OwnerAsync(Path.Combine(home.Path, "pgdata")));
            Assert.Equal(DatabaseMigrator.ScriptNames, await JournalAsync(DatabaseUrl.ToNpgsqlConnectionString(url.Stdout.Trim())));

            var stop = await CliTestHost.RunProcessAsync(environment, "postgres", "db", "stop");
            Assert.True(stop.ExitCode == 0, stop.Stderr);
            var status = await CliTestHost.RunProcessAsync(environment, "postgres", "db", "status");
            Assert.Contains(": stopped", status.Stdout);
        }
        finally
        {
            await DbCommandTests.StopAsync(home);
        }
    }

    private static async Task<List<string>> JournalAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT scriptname FROM txetl.schemaversions ORDER BY schemaversionsid", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            var name = reader.GetString(0);
            names.Add(name[(name.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..]);
        }
        return names;
    }
}
