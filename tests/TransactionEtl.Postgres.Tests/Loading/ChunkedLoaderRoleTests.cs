using System.Text;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// Migration 0008's grants: a login member of txetl_loader loads in chunks and cleans up another member's dead attempt,
/// and its rights on the txetl_work schema reach nothing else.
/// </summary>
public sealed class ChunkedLoaderRoleTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private const long ChunkBytes = 8 * 1024;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("txetl-chunked-role-");

    [Fact]
    public async Task A_member_loads_in_chunks_and_cleans_up_another_members_dead_attempt()
    {
        var path = Path.Combine(_directory.FullName, "members.csv");
        await File.WriteAllTextAsync(path, ChunkedComparison.Sample(1500, seed: 41, faultRate: 0.02), Encoding.UTF8);
        await using (var first = NpgsqlDataSource.Create(await LoginMemberAsync("chunk_member_a_" + Environment.ProcessId)))
        {
            var loader = new ChunkedLoader(first);
            await using var stream = File.OpenRead(path);
            var request = new LoadRequest { Source = SourceIdentity.ForLocalFile(path), Content = stream, MaxRejectedRatio = 1m, SizeBytes = stream.Length };
            var options = new ProcessingOptions { Contract = Contract.Default, DetectDuplicatesInMemory = false };
            var plan = await ChunkPlanner.PlanAsync(stream.Length, ParallelLoad.LocalFileReader(path), options, ChunkBytes, CancellationToken.None);
            var ticket = (await loader.BeginAsync(request, plan, CancellationToken.None)).Ticket!;
            await loader.LoadChunkAsync(ticket, request, 0, ParallelLoad.LocalFileReader(path), null, CancellationToken.None);
            // ... and this member's process dies.
        }

        await using var second = NpgsqlDataSource.Create(await LoginMemberAsync("chunk_member_b_" + Environment.ProcessId));
        var summary = await ChunkedComparison.LoadAsync(second, path, ChunkBytes, 1m);

        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        await using var admin = NpgsqlDataSource.Create(db.ConnectionString);
        Assert.Equal(0, await ChunkedComparison.LeftoversAsync(admin));
    }

    [Theory]
    [InlineData("SELECT * FROM txetl_work.owned_by_admin")]
    [InlineData("INSERT INTO txetl_work.owned_by_admin VALUES (1)")]
    [InlineData("DROP TABLE txetl_work.owned_by_admin")]
    [InlineData("CREATE VIEW txetl_work.peek AS SELECT * FROM txetl.transactions_history; SELECT * FROM txetl_work.peek")]
    [InlineData("CREATE TABLE txetl.work_elsewhere (id int)")]
    [InlineData("DROP SCHEMA txetl_work CASCADE")]
    public async Task A_member_reaches_nothing_but_its_own_work_tables_through_the_work_schema(string sql)
    {
        await using (var admin = await db.Database.OpenConnectionAsync())
        await using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS txetl_work.owned_by_admin (id int)", admin))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var connection = new NpgsqlConnection(await LoginMemberAsync("chunk_member_deny_" + Environment.ProcessId));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

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

    public void Dispose() => _directory.Delete(recursive: true);
}
