using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests;

public sealed class DatabaseMigratorTests
{
    [Fact]
    public async Task Applies_every_script_once_and_a_second_run_is_a_no_op()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);

        var first = await DatabaseMigrator.MigrateAsync(db.ConnectionString);
        var second = await DatabaseMigrator.MigrateAsync(db.ConnectionString);

        Assert.Equal(DatabaseMigrator.ScriptNames, first.AppliedScripts);
        Assert.Contains("0001_create_schema.sql", first.AppliedScripts);
        Assert.True(second.WasUpToDate);
        Assert.Equal(DatabaseMigrator.ScriptNames, await JournalAsync(db.ConnectionString));
    }

    [Fact]
    public async Task Migrating_through_the_callers_data_source_checks_on_the_session_the_work_then_uses()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        // Tagged so that only this data source's sessions are counted, not DbUp's (given the untagged string).
        await using var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = "migrator-data-source-test" }.ConnectionString);

        var first = await DatabaseMigrator.MigrateAsync(dataSource, db.ConnectionString);
        var second = await DatabaseMigrator.MigrateAsync(dataSource, db.ConnectionString);

        Assert.Equal(DatabaseMigrator.ScriptNames, first.AppliedScripts);
        Assert.True(second.WasUpToDate);
        // One session for the check and the work: Npgsql loaded the server's types once, not once per data source.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var sessions = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migrator-data-source-test'", connection);
        Assert.Equal(1L, await sessions.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Is_up_to_date_only_when_the_journal_lists_every_script()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        await using var connection = await db.OpenConnectionAsync();

        Assert.False(await DatabaseMigrator.IsUpToDateAsync(connection, default)); // no schema, no journal
        await DatabaseMigrator.MigrateAsync(db.ConnectionString);
        Assert.True(await DatabaseMigrator.IsUpToDateAsync(connection, default));

        await using (var forget = new NpgsqlCommand("DELETE FROM txetl.schemaversions WHERE scriptname LIKE @last", connection))
        {
            forget.Parameters.AddWithValue("last", "%" + DatabaseMigrator.ScriptNames[^1]);
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }
        Assert.False(await DatabaseMigrator.IsUpToDateAsync(connection, default));
    }

    [Fact]
    public async Task The_check_without_the_lock_is_true_only_when_the_journal_lists_every_script()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        await using var connection = await db.OpenConnectionAsync();

        Assert.False(await DatabaseMigrator.IsJournaledAsync(connection, default)); // no schema
        await using (var schema = new NpgsqlCommand("CREATE SCHEMA txetl", connection))
        {
            await schema.ExecuteNonQueryAsync();
        }
        Assert.False(await DatabaseMigrator.IsJournaledAsync(connection, default)); // a schema, no journal
        await DatabaseMigrator.MigrateAsync(db.ConnectionString);
        Assert.True(await DatabaseMigrator.IsJournaledAsync(connection, default));

        await using (var forget = new NpgsqlCommand("DELETE FROM txetl.schemaversions WHERE scriptname LIKE @first", connection))
        {
            forget.Parameters.AddWithValue("first", "%" + DatabaseMigrator.ScriptNames[0]);
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }
        Assert.False(await DatabaseMigrator.IsJournaledAsync(connection, default));
        // The failed statements of the first checks left the session usable.
        Assert.True(connection.State == System.Data.ConnectionState.Open);
    }

    [Fact]
    public async Task Journal_table_lives_in_schema_txetl()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'txetl' AND tablename = 'schemaversions'", connection);

        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Concurrent_migrators_in_one_process_apply_each_script_once()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => DatabaseMigrator.MigrateAsync(db.ConnectionString))));

        Assert.Equal(DatabaseMigrator.ScriptNames.Count, runs.Sum(r => r.AppliedScripts.Count));
        Assert.Equal(DatabaseMigrator.ScriptNames, await JournalAsync(db.ConnectionString));
    }

    [Fact]
    public async Task Waits_for_the_advisory_lock_held_by_another_session()
    {
        await using var db = await TestDatabase.CreateAsync(migrate: false);
        await using var holder = await db.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", holder))
        {
            take.Parameters.AddWithValue("key", DatabaseMigrator.AdvisoryLockKey);
            await take.ExecuteNonQueryAsync();
        }

        var migration = DatabaseMigrator.MigrateAsync(db.ConnectionString);
        // The migrator must be blocked on the lock, not done: poll pg_locks until it waits there.
        await WaitUntilAsync(holder, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        Assert.False(migration.IsCompleted);
        Assert.Empty(await JournalAsync(db.ConnectionString));

        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", holder))
        {
            release.Parameters.AddWithValue("key", DatabaseMigrator.AdvisoryLockKey);
            await release.ExecuteNonQueryAsync();
        }
        var result = await migration;

        Assert.Equal(DatabaseMigrator.ScriptNames, result.AppliedScripts);
    }

    [Fact]
    public async Task Unreachable_database_is_reported_as_database_unavailable()
    {
        var ex = await Assert.ThrowsAsync<DatabaseUnavailableException>(
            () => DatabaseMigrator.MigrateAsync("Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2"));

        Assert.StartsWith("cannot connect to the database", ex.Message);
        Assert.IsAssignableFrom<TransactionEtlException>(ex);
    }

    internal static async Task<List<string>> JournalAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT to_regclass('txetl.schemaversions') IS NOT NULL", connection);
        var names = new List<string>();
        if (!(bool)(await exists.ExecuteScalarAsync())!)
        {
            return names;
        }
        await using var command = new NpgsqlCommand("SELECT scriptname FROM txetl.schemaversions ORDER BY schemaversionsid", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var name = reader.GetString(0);
            names.Add(name[(name.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..]);
        }
        return names;
    }

    private static async Task WaitUntilAsync(NpgsqlConnection connection, string countSql)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using var command = new NpgsqlCommand(countSql, connection);
            if ((long)(await command.ExecuteScalarAsync(timeout.Token))! > 0)
            {
                return;
            }
            await Task.Delay(50, timeout.Token);
        }
    }
}
