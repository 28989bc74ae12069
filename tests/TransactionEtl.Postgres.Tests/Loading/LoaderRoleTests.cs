using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>The least-privilege role: a login member of txetl_loader loads files and can do nothing else.</summary>
public sealed class LoaderRoleTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private async Task<string> LoginMemberAsync(string name)
    {
        await using var admin = await db.Database.OpenConnectionAsync();
        // Roles are cluster-wide and test classes share the cluster: a fresh name per test.
        await using (var create = new NpgsqlCommand($"DROP ROLE IF EXISTS \"{name}\"; CREATE ROLE \"{name}\" LOGIN IN ROLE txetl_loader", admin))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = name, Password = null, Pooling = false }.ConnectionString;
    }

    [Fact]
    public async Task A_member_of_the_loader_role_can_load_a_file()
    {
        var connectionString = await LoginMemberAsync("loader_member_load_" + Environment.ProcessId);
        await using var t = new LoaderTestSupport(connectionString);
        var path = await t.WriteSampleAsync("as-loader.csv", 500, seed: 601, faultRate: 0.02);

        var first = await t.LoadAsync(path);
        var again = await t.LoadAsync(path);

        Assert.Equal(FileStatus.LoadedWithRejects, first.Status);
        Assert.Equal(FileStatus.AlreadyLoaded, again.Status);
        await t.AssertAccountingAsync(first);
    }

    [Theory]
    [InlineData("DROP TABLE txetl.transactions")]
    [InlineData("DROP TABLE txetl.ingestion_files")]
    [InlineData("ALTER TABLE txetl.transactions ADD COLUMN x int")]
    [InlineData("TRUNCATE txetl.transactions")]
    [InlineData("DELETE FROM txetl.transactions")]
    [InlineData("UPDATE txetl.transactions SET merchant = 'x'")]
    [InlineData("UPDATE txetl.tax_rates SET rate = 0")]
    [InlineData("CREATE TABLE txetl.sneaky (id int)")]
    [InlineData("DROP SCHEMA txetl CASCADE")]
    public async Task A_member_of_the_loader_role_cannot_change_the_schema_or_stored_rows(string sql)
    {
        var connectionString = await LoginMemberAsync("loader_member_deny_" + Environment.ProcessId);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        // 42501 insufficient_privilege: "must be owner of table" / "permission denied for ...".
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task The_loader_role_itself_cannot_log_in()
    {
        await using var admin = await db.Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'txetl_loader'", admin);

        Assert.Equal(false, await command.ExecuteScalarAsync());
    }
}
