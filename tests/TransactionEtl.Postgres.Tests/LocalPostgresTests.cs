using System.Diagnostics;
using System.Globalization;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests;

/// <summary>Each test creates its own cluster: they stop, restart and break it, which the shared one must not see.</summary>
[Collection(nameof(OwnClusters))]
public sealed class LocalPostgresTests
{
    [Fact]
    public async Task Creates_starts_and_stops_a_cluster_reachable_over_socket_and_tcp()
    {
        using var scratch = new ScratchDirectory();
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
        Assert.Equal(LocalPostgresState.NotCreated, postgres.GetStatus().State);

        await postgres.EnsureStartedAsync();
        try
        {
            Assert.Equal(LocalPostgresState.Running, postgres.GetStatus().State);
            Assert.True(postgres.UsesUnixSocket);
            Assert.Equal(postgres.DataDirectory, await ScalarAsync(postgres.GetConnectionString(), "SELECT current_setting('unix_socket_directories')"));
            Assert.Equal("127.0.0.1", await ScalarAsync(postgres.GetConnectionString(), "SELECT current_setting('listen_addresses')"));
            var tcp = DatabaseUrl.ToNpgsqlConnectionString(postgres.GetTcpUrl());
            Assert.Equal("127.0.0.1", await ScalarAsync(tcp, "SELECT host(inet_server_addr())"));
            Assert.Equal("UTF8", await ScalarAsync(tcp, "SHOW server_encoding"));
        }
        finally
        {
            Assert.True(await postgres.StopAsync());
        }
        Assert.Equal(LocalPostgresState.Stopped, postgres.GetStatus().State);
        Assert.False(await postgres.StopAsync());
    }

    [Fact]
    public async Task Reading_the_status_sets_nothing_and_a_restart_reads_the_port_itself()
    {
        using var scratch = new ScratchDirectory();
        var owner = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
        await owner.EnsureStartedAsync();
        try
        {
            var other = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });

            Assert.Equal(owner.Port, other.GetStatus().Port);
            Assert.Null(other.Port);
            Assert.Throws<InvalidOperationException>(() => other.GetConnectionString());

            await other.RestartAsync();

            Assert.Equal(owner.Port, other.Port);
            Assert.Equal("1", await ScalarAsync(other.GetConnectionString(), "SELECT 1"));
        }
        finally
        {
            await owner.StopAsync();
        }
    }

    [Theory]
    [InlineData("ssl\nlisten_addresses", "on")]
    [InlineData("ssl = on #", "on")]
    [InlineData("ssl", "on'\nlisten_addresses = '*")]
    [InlineData("", "on")]
    public void Server_settings_that_could_add_other_settings_are_refused(string name, string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => new LocalPostgres(new LocalPostgresOptions
        {
            RootDirectory = Path.GetTempPath(),
            ServerSettings = new Dictionary<string, string> { [name] = value },
        }));
        Assert.Contains("not a plain setting name", ex.Message);
    }

    [Fact]
    public async Task Tcp_refuses_a_wrong_password()
    {
        using var scratch = new ScratchDirectory();
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
        await postgres.EnsureStartedAsync();
        try
        {
            var wrong = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToNpgsqlConnectionString(postgres.GetTcpUrl())) { Password = "wrong" };

            var ex = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(wrong.ConnectionString, "SELECT 1"));

            Assert.Equal(PostgresErrorCodes.InvalidPassword, ex.SqlState);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(postgres.PasswordFile));
            }
        }
        finally
        {
            await postgres.StopAsync();
        }
    }

    [Fact]
    public async Task The_port_is_chosen_once_and_kept_in_the_cluster_settings_across_stop_and_start()
    {
        using var scratch = new ScratchDirectory();
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
        Assert.Equal(LocalPostgresState.NotCreated, await postgres.EnsureStartedAsync());
        try
        {
            var port = postgres.Port;
            Assert.Contains($"port = {port}", await File.ReadAllTextAsync(Path.Combine(postgres.DataDirectory, "txetl.conf")));
            Assert.Equal(LocalPostgresState.Running, await postgres.EnsureStartedAsync());

            await postgres.StopAsync();
            var again = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });

            Assert.Equal(LocalPostgresState.Stopped, await again.EnsureStartedAsync());
            Assert.Equal(port, again.Port);
            Assert.Equal(port, again.GetStatus().Port);
        }
        finally
        {
            await postgres.StopAsync();
        }
    }

    [Fact]
    public async Task A_kept_port_taken_by_another_program_fails_the_start_with_a_hint_instead_of_moving()
    {
        using var scratch = new ScratchDirectory();
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
        await postgres.EnsureStartedAsync();
        var port = postgres.Port!.Value;
        await postgres.StopAsync();
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        squatter.Start();

        var ex = await Assert.ThrowsAsync<TransactionEtlException>(() => postgres.EnsureStartedAsync());

        Assert.Contains($"its port {port} is in use by another program", ex.Message);
        Assert.Contains("txetl.conf", ex.Message);
        Assert.Equal(LocalPostgresState.Stopped, postgres.GetStatus().State);
    }

    [Fact]
    public async Task A_second_instance_reuses_the_running_server_and_restart_keeps_the_port()
    {
        using var scratch = new ScratchDirectory();
        var first = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
        await first.EnsureStartedAsync();
        try
        {
            var pid = first.GetStatus().Pid;
            var second = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
            await second.EnsureStartedAsync();
            Assert.Equal(pid, second.GetStatus().Pid);
            Assert.Equal(first.Port, second.Port);

            await second.RestartAsync();

            Assert.NotEqual(pid, first.GetStatus().Pid);
            Assert.Equal(second.Port, first.Port);
            Assert.Equal(first.Port, first.GetStatus().Port);
            Assert.Equal("1", await ScalarAsync(first.GetConnectionString(), "SELECT 1"));
        }
        finally
        {
            await first.StopAsync();
        }
    }

    [Fact]
    public async Task A_stale_pid_file_counts_as_stopped_and_does_not_block_the_next_start()
    {
        using var scratch = new ScratchDirectory();
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
        await postgres.EnsureStartedAsync();
        await postgres.StopAsync();
        // What a killed server or a reboot leaves: a pid file naming a process that no longer exists.
        using (var gone = Process.Start("true")!)
        {
            await gone.WaitForExitAsync();
            await File.WriteAllTextAsync(
                Path.Combine(postgres.DataDirectory, "postmaster.pid"),
                string.Create(CultureInfo.InvariantCulture, $"{gone.Id}\n{postgres.DataDirectory}\n0\n5999\n{postgres.DataDirectory}\n127.0.0.1\n0 0\nready   \n"));
        }

        Assert.Equal(LocalPostgresState.Stopped, postgres.GetStatus().State);
        await postgres.EnsureStartedAsync();
        try
        {
            Assert.Equal(LocalPostgresState.Running, postgres.GetStatus().State);
            Assert.Equal("1", await ScalarAsync(postgres.GetConnectionString(), "SELECT 1"));
        }
        finally
        {
            await postgres.StopAsync();
        }
    }

    [Fact]
    public async Task A_data_directory_too_deep_for_a_unix_socket_falls_back_to_tcp_with_the_password()
    {
        using var scratch = new ScratchDirectory();
        // sun_path holds about 104 bytes: this directory leaves no room for "/.s.PGSQL.NNNNN".
        var deep = Path.Combine(scratch.Path, new string('d', 60), new string('e', 40));
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = deep, Fsync = false });
        Assert.False(postgres.UsesUnixSocket);

        await postgres.EnsureStartedAsync();
        try
        {
            Assert.Equal(string.Empty, await ScalarAsync(postgres.GetConnectionString(), "SELECT current_setting('unix_socket_directories')"));
            Assert.StartsWith("postgresql://postgres:", postgres.GetUrl());
            Assert.Equal("1", await ScalarAsync(DatabaseUrl.ToNpgsqlConnectionString(postgres.GetUrl()), "SELECT 1"));
        }
        finally
        {
            await postgres.StopAsync();
        }
    }

    [Fact]
    public async Task Missing_server_programs_name_what_to_install()
    {
        using var scratch = new ScratchDirectory();
        var postgres = new LocalPostgres(new LocalPostgresOptions
        {
            RootDirectory = scratch.Path,
            SearchPath = string.Empty,
            SearchPatterns = [Path.Combine(scratch.Path, "nowhere-*", "bin")],
        });

        var ex = await Assert.ThrowsAsync<TransactionEtlException>(() => postgres.EnsureStartedAsync());

        Assert.Contains("initdb, pg_ctl, postgres", ex.Message);
        Assert.Contains("`apt-get install postgresql`", ex.Message);
        Assert.Contains("`brew install postgresql@16`", ex.Message);
        Assert.Contains("`dnf install postgresql-server`", ex.Message);
        Assert.Contains("--database-url", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(LocalPostgresState.NotCreated, postgres.GetStatus().State);
    }

    [Fact]
    public async Task Finds_the_programs_in_a_versioned_directory_newest_first()
    {
        using var scratch = new ScratchDirectory();
        foreach (var version in new[] { "9.6", "15", "13" })
        {
            var bin = Path.Combine(scratch.Path, "pg", version, "bin");
            Directory.CreateDirectory(bin);
            foreach (var program in new[] { "initdb", "pg_ctl", "postgres" })
            {
                await File.WriteAllTextAsync(Path.Combine(bin, program), string.Empty);
            }
        }

        var found = Internal.PostgresBinaryLocator.LocateAll(string.Empty, [Path.Combine(scratch.Path, "pg", "*", "bin")]);

        Assert.Equal(
            new[] { "15", "13", "9.6" }.Select(v => Path.Combine(scratch.Path, "pg", v, "bin")),
            found);
    }

    [RootFact]
    public async Task As_root_the_cluster_belongs_to_and_runs_as_the_postgres_user()
    {
        using var scratch = new ScratchDirectory();
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = scratch.Path, Fsync = false });
        await postgres.EnsureStartedAsync();
        try
        {
            Assert.Equal("postgres", await OsCommand.OwnerAsync(postgres.DataDirectory));
            Assert.Equal("postgres", await OsCommand.OwnerAsync(postgres.PasswordFile));
            var pid = postgres.GetStatus().Pid!.Value.ToString(CultureInfo.InvariantCulture);
            Assert.Equal("postgres", await OsCommand.RunAsync("ps", "-o", "user=", "-p", pid));
        }
        finally
        {
            await postgres.StopAsync();
        }
    }

    [RootFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task As_root_a_home_the_postgres_user_cannot_reach_is_reported_with_a_hint()
    {
        using var scratch = new ScratchDirectory();
        var home = Path.Combine(scratch.Path, "closed", "home");
        Directory.CreateDirectory(Path.Combine(scratch.Path, "closed"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var postgres = new LocalPostgres(new LocalPostgresOptions { RootDirectory = home, Fsync = false });

        var ex = await Assert.ThrowsAsync<TransactionEtlException>(() => postgres.EnsureStartedAsync());

        Assert.Contains("'postgres' OS user cannot reach", ex.Message);
        Assert.Contains("TXETL_HOME", ex.Message);
    }

    private static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}

/// <summary>Own-cluster tests run one after another: each initdb is CPU-heavy on a small machine.</summary>
[CollectionDefinition(nameof(OwnClusters))]
public sealed class OwnClusters;
