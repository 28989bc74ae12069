using Npgsql;
using TransactionEtl.Postgres;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>The db commands run in-process on real argv, each test with its own $TXETL_HOME.</summary>
[Collection(nameof(LocalHomes))]
public sealed class DbCommandTests
{
    [Fact]
    public async Task Db_status_on_a_fresh_directory_reports_no_cluster_where_it_looked_and_exits_4()
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, "db", "status");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains($"No local PostgreSQL cluster in {home.Path} (from TXETL_HOME)", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
        Assert.False(Directory.Exists(home.Path));
    }

    // Issue 15 item 7: a mistyped TXETL_HOME silently created and started an empty cluster.
    [Theory]
    [InlineData("report")]
    [InlineData("report", "--json")]
    [InlineData("rejects", "1")]
    [InlineData("db", "url")]
    public async Task Read_only_commands_never_create_a_cluster_and_say_where_they_looked(params string[] args)
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, args);

        Assert.Equal(4, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"txetl: error: no local database in {home.Path} (from TXETL_HOME)", line);
        Assert.Contains("--database-url", line);
        Assert.False(Directory.Exists(home.Path));
    }

    [Fact]
    public async Task Without_TXETL_HOME_the_message_names_the_default_directory()
    {
        using var work = new ScratchDirectory();
        Directory.CreateDirectory(work.Path);

        var result = await CliTestHost.RunAsync(
            new Dictionary<string, string?> { ["TXETL_HOME"] = null, ["TXETL_DATABASE_URL"] = null }, work.Path, "report");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains($"no local database in {Path.Combine(work.Path, ".txetl")} (the default ./.txetl, as TXETL_HOME is not set)", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(work.Path));
    }

    [Fact]
    public async Task Starting_the_server_is_said_once_on_stderr_and_report_starts_a_stopped_cluster()
    {
        using var home = new ScratchDirectory();
        try
        {
            var migrate = await RunAsync(home, "db", "migrate");
            Assert.Equal(0, migrate.ExitCode);
            var created = Assert.Single(migrate.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("txetl: created a local PostgreSQL in ", created);
            var port = System.Text.RegularExpressions.Regex.Match((await RunAsync(home, "db", "status")).Stdout, "on port [0-9]+").Value;
            Assert.NotEmpty(port);

            Assert.Equal(0, (await RunAsync(home, "db", "stop")).ExitCode);
            // In-process, the pool still holds connections to the stopped server, at the same (kept) port.
            NpgsqlConnection.ClearAllPools();
            var report = await RunAsync(home, "report");

            Assert.True(report.ExitCode == 0, report.Stderr);
            var started = Assert.Single(report.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"txetl: started the local PostgreSQL in {Path.Combine(home.Path, "pgdata")} on port ", started);
            Assert.Equal(string.Empty, (await RunAsync(home, "report")).Stderr);
            // The same port after the restart, so a saved URL keeps working.
            Assert.Contains(port + " ", (await RunAsync(home, "db", "status")).Stdout);
            Assert.Contains(port + " ", started);
        }
        finally
        {
            await StopAsync(home);
        }
    }

    [Fact]
    public async Task Db_migrate_creates_and_migrates_then_is_a_no_op_and_url_status_stop_work()
    {
        using var home = new ScratchDirectory();
        try
        {
            var first = await RunAsync(home, "db", "migrate");
            Assert.Equal(0, first.ExitCode);
            Assert.Contains("Applied 0001_create_schema.sql", first.Stdout);

            var second = await RunAsync(home, "db", "migrate");
            Assert.Equal(0, second.ExitCode);
            Assert.DoesNotContain("Applied", second.Stdout);
            Assert.Contains("Schema is up to date", second.Stdout);

            var url = await RunAsync(home, "db", "url");
            Assert.Equal(0, url.ExitCode);
            var line = Assert.Single(url.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("postgresql://postgres@/txetl?host=", line);
            Assert.DoesNotContain(':', line["postgresql://".Length..].Split('@')[0]);
            await using (var connection = new NpgsqlConnection(DatabaseUrl.ToNpgsqlConnectionString(line)))
            {
                await connection.OpenAsync();
                await using var tables = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'txetl'", connection);
                Assert.Equal("schemaversions", await tables.ExecuteScalarAsync());
            }

            var running = await RunAsync(home, "db", "status");
            Assert.Equal(0, running.ExitCode);
            Assert.Contains(": running on port", running.Stdout);

            var stop = await RunAsync(home, "db", "stop");
            Assert.Equal(0, stop.ExitCode);
            Assert.Contains("Stopped the local PostgreSQL", stop.Stdout);

            var stopped = await RunAsync(home, "db", "status");
            Assert.Equal(3, stopped.ExitCode);
            Assert.Contains(": stopped", stopped.Stdout);
        }
        finally
        {
            await StopAsync(home);
        }
    }

    [Fact]
    public async Task A_dropped_database_of_a_running_local_cluster_is_created_again_by_the_next_command()
    {
        using var home = new ScratchDirectory();
        try
        {
            Assert.Equal(0, (await RunAsync(home, "db", "migrate")).ExitCode);
            var cluster = new LocalPostgres(new LocalPostgresOptions { RootDirectory = home.Path });
            await cluster.EnsureStartedAsync();
            foreach (var args in new[] { new[] { "report" }, ["db", "url"], ["run", "-q", WriteSample(home)] })
            {
                NpgsqlConnection.ClearAllPools();
                await ClusterDatabases.DropAsync(cluster.GetConnectionString(), "txetl");

                var result = await RunAsync(home, args);

                Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Stderr}");
                Assert.Equal(string.Empty, result.Stderr);
                await using var connection = new NpgsqlConnection(cluster.GetConnectionString("txetl"));
                await connection.OpenAsync();
                await using var journal = new NpgsqlCommand("SELECT count(*) FROM txetl.schemaversions", connection);
                Assert.Equal((long)DatabaseMigrator.ScriptNames.Count, await journal.ExecuteScalarAsync());
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await StopAsync(home);
        }
    }

    private static string WriteSample(ScratchDirectory home)
    {
        var path = Path.Combine(home.Path, "one.csv");
        File.WriteAllLines(path, RunTestSupport.SampleLines("DROPPED").Where((_, i) => i is 0 or 2));
        return path;
    }

    [Fact]
    public async Task Db_migrate_with_database_url_migrates_that_database_and_starts_no_local_cluster()
    {
        using var home = new ScratchDirectory();
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        var url = $"postgresql://{builder.Username}@/{db.Name}?host={Uri.EscapeDataString(builder.Host!)}&port={builder.Port}";

        var result = await RunAsync(home, "db", "migrate", "--database-url", url);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Applied 0001_create_schema.sql", result.Stdout);
        Assert.False(Directory.Exists(home.Path));
        var status = await RunAsync(home, "db", "status", "--database-url", url);
        Assert.Contains($"Migrations: {DatabaseMigrator.ScriptNames.Count} of {DatabaseMigrator.ScriptNames.Count} applied.", status.Stdout);
    }

    [Fact]
    public async Task Db_stop_refuses_an_external_database_with_one_line_on_stderr()
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, "db", "stop", "--database-url", "postgres://u@h/d");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("txetl: error: db stop stops only the local database", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_bad_database_url_is_one_line_without_stack_trace_and_without_the_password()
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, "db", "migrate", "--database-url", "postgres://u:hunter2@h/d?colour=blue");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("txetl: error: the database URL has an unknown parameter 'colour'", line);
        Assert.DoesNotContain("hunter2", result.Stderr);
    }

    // --verbose and --database-url after the command, or before it.
    [Theory]
    [InlineData("db", "migrate", "--verbose", "--database-url", "postgres://u@h/d?colour=blue")]
    [InlineData("--verbose", "--database-url", "postgres://u@h/d?colour=blue", "db", "migrate")]
    [InlineData("--database-url=postgres://u@h/d?colour=blue", "--verbose", "db", "migrate")]
    public async Task Verbose_adds_the_stack_trace(params string[] args)
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, args);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("txetl: error: the database URL has an unknown parameter 'colour'", result.Stderr);
        Assert.Contains("at TransactionEtl.Postgres.DatabaseUrl", result.Stderr);
    }

    [Fact]
    public async Task Environment_variable_names_an_external_database_too()
    {
        using var home = new ScratchDirectory();
        var environment = new Dictionary<string, string?> { ["TXETL_HOME"] = home.Path, ["TXETL_DATABASE_URL"] = "postgres://u@h/d" };

        var result = await CliTestHost.RunAsync(environment, Path.GetTempPath(), "db", "stop");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not managed by txetl", result.Stderr);
    }

    [Fact]
    public async Task Unknown_command_fails_with_one_line_and_exit_64()
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, "db", "frobnicate");

        Assert.Equal(64, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("frobnicate", line);
        Assert.StartsWith("txetl: error: ", line);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("db", "--help")]
    [InlineData("db", "migrate", "--help")]
    [InlineData("db", "url", "--help")]
    [InlineData("db", "status", "--help")]
    [InlineData("db", "stop", "--help")]
    [InlineData("validate", "--help")]
    [InlineData("run", "--help")]
    [InlineData("report", "--help")]
    [InlineData("rejects", "--help")]
    [InlineData("watch", "--help")]
    [InlineData("lambda", "invoke", "--help")]
    [InlineData("sample", "--help")]
    public async Task Every_command_has_help(params string[] args)
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, args);

        Assert.Equal(0, result.ExitCode);
        // The help of exactly this command, on the environment's stdout (not straight to Console).
        var command = string.Join(' ', args[..^1]);
        Assert.Contains($"Usage:\n  {string.Join(' ', ["txetl", .. args[..^1]])}", result.Stdout.ReplaceLineEndings("\n"));
        Assert.Contains("--verbose", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
        Assert.False(Directory.Exists(home.Path), $"help of '{command}' must not create a cluster");
    }

    [Fact]
    public async Task Top_level_help_lists_every_command_and_txetl_alone_shows_it()
    {
        using var home = new ScratchDirectory();

        var help = await RunAsync(home, "--help");
        var bare = await RunAsync(home);

        foreach (var command in new[] { "db", "validate", "run", "report", "rejects", "watch", "lambda", "sample" })
        {
            Assert.Matches($"(?m)^  {command}\\b", help.Stdout);
        }
        // Bare, it names no command: the help, but as a usage error, like `txetl db` (issue 15 item 8).
        Assert.Equal(64, bare.ExitCode);
        Assert.Equal(help.Stdout, bare.Stdout);
    }

    [Theory]
    [InlineData("db")]
    [InlineData("lambda")]
    public async Task A_group_without_its_subcommand_shows_its_help_and_exits_64(string group)
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, group);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains($"txetl {group} [command]", result.Stdout);
    }

    [Fact]
    public async Task Global_options_mean_the_same_before_and_after_the_command()
    {
        using var home = new ScratchDirectory();
        try
        {
            Assert.Equal(0, (await RunAsync(home, "db", "migrate")).ExitCode);
            var before = await RunAsync(home, "--verbose", "db", "url");
            var after = await RunAsync(home, "db", "url", "--verbose");

            Assert.Equal(0, before.ExitCode);
            Assert.StartsWith("postgresql://postgres@/txetl?host=", before.Stdout);
            Assert.Equal(before, after);
        }
        finally
        {
            await StopAsync(home);
        }
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error()
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, "db", "status", "--no-such-option");

        Assert.Equal(64, result.ExitCode);
        Assert.Equal("txetl: error: Unrecognized command or argument '--no-such-option'. (see `txetl db status --help`)", result.Stderr.Trim());
    }

    [Fact]
    public async Task Version_prints_the_version()
    {
        using var home = new ScratchDirectory();

        var result = await RunAsync(home, "--version");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("0.1.0", result.Stdout.Trim());
    }

    internal static Task<CliResult> RunAsync(ScratchDirectory home, params string[] args) =>
        CliTestHost.RunAsync(new Dictionary<string, string?> { ["TXETL_HOME"] = home.Path, ["TXETL_DATABASE_URL"] = null }, Path.GetTempPath(), args);

    internal static async Task StopAsync(ScratchDirectory home)
    {
        if (Directory.Exists(home.Path))
        {
            await new LocalPostgres(new LocalPostgresOptions { RootDirectory = home.Path }).StopAsync();
        }
    }
}

/// <summary>Tests that create clusters run one after another: initdb is CPU-heavy on a small machine.</summary>
[CollectionDefinition(nameof(LocalHomes))]
public sealed class LocalHomes;
