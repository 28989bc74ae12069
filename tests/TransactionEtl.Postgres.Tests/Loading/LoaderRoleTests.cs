using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
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

    [Fact]
    public async Task A_member_of_the_loader_role_can_apply_corrections_with_their_history()
    {
        var connectionString = await LoginMemberAsync("loader_member_correct_" + Environment.ProcessId);
        await using var t = new LoaderTestSupport(connectionString);
        var corrections = Path.Combine(LoaderTestSupport.SamplesDirectory, "corrections");
        await t.LoadAsync(Path.Combine(LoaderTestSupport.SamplesDirectory, "transactions.csv"));
        var path = Path.Combine(corrections, "transactions-corrections.csv");
        await using var stream = File.OpenRead(path);

        var summary = await t.Loader.LoadAsync(new LoadRequest
        {
            Source = SourceIdentity.ForLocalFile(path), Content = stream,
            Contract = Contract.Load(Path.Combine(corrections, "transactions-corrections.contract.json")),
        }, CancellationToken.None);

        Assert.Equal((FileStatus.Loaded, 10L), (summary.Status, summary.RowsUpdated));
    }

    [Theory]
    [InlineData("DROP TABLE txetl.transactions")]
    [InlineData("DROP TABLE txetl.ingestion_files")]
    [InlineData("ALTER TABLE txetl.transactions ADD COLUMN x int")]
    [InlineData("TRUNCATE txetl.transactions")]
    [InlineData("DELETE FROM txetl.transactions")]
    // Corrections (migration 0007) may update every column but the key, and only add to the history.
    [InlineData("UPDATE txetl.transactions SET transaction_id = 'x'")]
    [InlineData("UPDATE txetl.transactions_history SET merchant = 'x'")]
    [InlineData("DELETE FROM txetl.transactions_history")]
    [InlineData("TRUNCATE txetl.transactions_history")]
    [InlineData("SELECT count(*) FROM txetl.transactions_history")]
    [InlineData("DROP TABLE txetl.transactions_history")]
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
    public async Task A_member_of_the_loader_role_creates_a_contract_table_through_a_load_and_still_cannot_change_it()
    {
        var connectionString = await LoginMemberAsync("loader_member_table_" + Environment.ProcessId);
        await using var t = new LoaderTestSupport(connectionString);
        const string json = """
            { "name": "bins", "version": "1", "primaryKey": "bin",
              "fields": [{ "name": "bin", "type": "integer", "constraints": { "required": true } }, { "name": "place", "type": "string" }] }
            """;
        var contract = Contract.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), "bins.json", baseDirectory: null);
        var path = t.WriteFile("bins.csv", "bin,place\n1,north\n2,\n");
        await using var stream = File.OpenRead(path);

        var summary = await t.Loader.LoadAsync(
            new LoadRequest { Source = SourceIdentity.ForLocalFile(path), Content = stream, Contract = contract }, CancellationToken.None);

        Assert.Equal(FileStatus.Loaded, summary.Status);
        // The table belongs to the migration's owner (the functions of migration 0006 run as it), not to the loader.
        Assert.False(await t.ScalarAsync<bool>("SELECT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'txetl.bins'::regclass), 'USAGE')"));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in new[]
                 {
                     "DROP TABLE txetl.bins", "ALTER TABLE txetl.bins ADD COLUMN x int", "TRUNCATE txetl.bins", "DELETE FROM txetl.bins",
                     "SELECT txetl.contract_add_column('ingestion_files', 'x', 'text')",
                     "SELECT txetl.contract_create_history('ingestion_files')", "SELECT txetl.contract_create_history('transactions')",
                     "DELETE FROM txetl.bins_history", "UPDATE txetl.bins SET bin = 9",
                     "SELECT txetl.contract_create_table_0006('t_direct', '[]', '{}')",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.True(error.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {error.SqlState} {error.MessageText}");
        }
    }

    [Theory]
    [InlineData("SELECT txetl.contract_add_column('bins', 'x', 'text; DROP TABLE txetl.transactions')")]
    [InlineData("SELECT txetl.contract_add_column('bins', 'x\" text, y', 'text')")]
    [InlineData("SELECT txetl.contract_create_table('t\"; DROP TABLE txetl.transactions; --', '[]', '{}')")]
    [InlineData("SELECT txetl.contract_create_table('t_bad', '[{\"name\": \"a\", \"type\": \"text) ; DROP TABLE txetl.transactions; --\"}]', '{}')")]
    public async Task The_table_functions_refuse_any_name_or_type_that_is_not_one(string sql)
    {
        var connectionString = await LoginMemberAsync("loader_member_inject_" + Environment.ProcessId);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InvalidName, error.SqlState);
    }

    [Fact]
    public async Task The_loader_role_itself_cannot_log_in()
    {
        await using var admin = await db.Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'txetl_loader'", admin);

        Assert.Equal(false, await command.ExecuteScalarAsync());
    }
}
