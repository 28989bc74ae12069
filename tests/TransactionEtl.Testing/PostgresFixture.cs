using Xunit;

namespace TransactionEtl.Testing;

/// <summary>
/// xunit class fixture: one fresh, migrated database per test class, dropped after the class.
/// <c>public sealed class LoaderTests(PostgresFixture db) : IClassFixture&lt;PostgresFixture&gt;</c>
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    /// <summary>The class's database.</summary>
    public TestDatabase Database => _database ?? throw new InvalidOperationException("The fixture has not been initialized.");

    /// <summary>Npgsql connection string of the class's database.</summary>
    public string ConnectionString => Database.ConnectionString;

    /// <summary>The process's cluster (bin dir, data dir, RestartAsync).</summary>
    public TestCluster Cluster => Database.Cluster;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
