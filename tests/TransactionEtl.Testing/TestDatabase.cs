using System.Globalization;
using Npgsql;
using TransactionEtl.Postgres;

namespace TransactionEtl.Testing;

/// <summary>
/// A fresh database on the process's <see cref="TestCluster"/>, migrated unless asked otherwise, dropped on
/// dispose: <c>await using var db = await TestDatabase.CreateAsync();</c>
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static int _counter;

    private TestDatabase(TestCluster cluster, string name)
    {
        Cluster = cluster;
        Name = name;
        ConnectionString = cluster.Postgres.GetConnectionString(name);
    }

    /// <summary>The cluster the database lives on (restart it for fault tests).</summary>
    public TestCluster Cluster { get; }

    /// <summary>The database's name (unique within the test process).</summary>
    public string Name { get; }

    /// <summary>Npgsql connection string as the cluster's superuser.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a uniquely named database and, when <paramref name="migrate"/>, applies every migration.</summary>
    public static async Task<TestDatabase> CreateAsync(bool migrate = true, CancellationToken cancellationToken = default)
    {
        var cluster = await TestCluster.GetAsync();
        var name = "test_" + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..12];
        await ClusterDatabases.CreateAsync(cluster.AdminConnectionString, name, cancellationToken);
        var database = new TestDatabase(cluster, name);
        if (migrate)
        {
            await DatabaseMigrator.MigrateAsync(database.ConnectionString, cancellationToken);
        }
        return database;
    }

    /// <summary>Opens a new connection to the database.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Drops the database, ending sessions still connected to it.</summary>
    public async ValueTask DisposeAsync()
    {
        // Pooled idle connections of this process would otherwise hold the database open.
        NpgsqlConnection.ClearAllPools();
        await ClusterDatabases.DropAsync(Cluster.AdminConnectionString, Name);
    }
}
