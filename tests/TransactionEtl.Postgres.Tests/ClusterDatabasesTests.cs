using Npgsql;
using TransactionEtl.Postgres.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests;

/// <summary>CREATE DATABASE has one owner, which quotes the name on the server instead of splicing it in.</summary>
public sealed class ClusterDatabasesTests
{
    [Fact]
    public async Task A_name_with_quotes_and_capitals_is_created_and_dropped_exactly_as_given()
    {
        var cluster = await TestCluster.GetAsync();
        var name = "Odd \"name\"; DROP DATABASE postgres; " + Guid.NewGuid().ToString("N")[..8];

        await ClusterDatabases.CreateAsync(cluster.AdminConnectionString, name);
        Assert.True(await ExistsAsync(cluster, name));

        await ClusterDatabases.DropAsync(cluster.AdminConnectionString, name);
        Assert.False(await ExistsAsync(cluster, name));
        Assert.True(await ExistsAsync(cluster, "postgres"));
    }

    [Fact]
    public async Task Creating_a_database_that_exists_fails_but_ensuring_it_does_not()
    {
        var cluster = await TestCluster.GetAsync();
        var name = "ensure_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            Assert.True(await ClusterDatabases.EnsureAsync(cluster.AdminConnectionString, name));
            Assert.False(await ClusterDatabases.EnsureAsync(cluster.AdminConnectionString, name));

            var ex = await Assert.ThrowsAsync<PostgresException>(() => ClusterDatabases.CreateAsync(cluster.AdminConnectionString, name));
            Assert.Equal(PostgresErrorCodes.DuplicateDatabase, ex.SqlState);
        }
        finally
        {
            await ClusterDatabases.DropAsync(cluster.AdminConnectionString, name);
        }
    }

    [Fact]
    public async Task Concurrent_ensures_create_the_database_once_and_all_succeed()
    {
        var cluster = await TestCluster.GetAsync();
        var name = "race_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            var created = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                Task.Run(() => ClusterDatabases.EnsureAsync(cluster.AdminConnectionString, name))));

            Assert.Single(created, c => c);
            Assert.True(await ExistsAsync(cluster, name));
        }
        finally
        {
            await ClusterDatabases.DropAsync(cluster.AdminConnectionString, name);
        }
    }

    [Fact]
    public async Task The_server_quotes_names_and_literals_the_way_the_role_statements_were_written()
    {
        var cluster = await TestCluster.GetAsync();
        await using var connection = new NpgsqlConnection(cluster.AdminConnectionString);
        await connection.OpenAsync();

        Assert.Equal(
            // quote_literal doubles a backslash and then writes an E'' string.
            "CREATE ROLE \"Loader\"\"x\" WITH LOGIN PASSWORD E'pw''1\\\\'",
            await QuotedDdl.FormatAsync(connection, "CREATE ROLE %I WITH LOGIN PASSWORD %L", ["Loader\"x", "pw'1\\"], default));
        Assert.Equal("GRANT txetl_loader TO loader_1", await QuotedDdl.FormatAsync(connection, "GRANT txetl_loader TO %I", ["loader_1"], default));
    }

    private static async Task<bool> ExistsAsync(TestCluster cluster, string name)
    {
        await using var connection = new NpgsqlConnection(cluster.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync() is true;
    }
}
