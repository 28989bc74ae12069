using System.Text;
using System.Text.Json;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// The chunked load's attempts: all or nothing when a chunk fails, a dead attempt's work cleaned up by the next one,
/// a superseded worker refused, content loaded before answered already_loaded, and the ticket's JSON.
/// </summary>
public sealed class ChunkedAttemptTests : IDisposable
{
    private const long ChunkBytes = 8 * 1024;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("txetl-chunked-attempt-");

    [Fact]
    public async Task A_failing_chunk_stores_nothing_and_fails_the_file_and_a_re_run_completes_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var path = Write("failing.csv", ChunkedComparison.Sample(1500, seed: 31, faultRate: 0.02));
        var loader = new ChunkedLoader(dataSource);
        await using var stream = File.OpenRead(path);
        var request = Request(path, stream);
        var ticket = (await loader.BeginAsync(request, await PlanAsync(path), CancellationToken.None)).Ticket!;
        ByteRangeReader broken = (_, _, _) => throw new IOException("disk gone");

        await loader.LoadChunkAsync(ticket, request, 0, ParallelLoad.LocalFileReader(path), null, CancellationToken.None);
        await Assert.ThrowsAnyAsync<TransactionEtlException>(() => loader.LoadChunkAsync(ticket, request, 1, broken, null, CancellationToken.None));
        await loader.HashAsync(ticket, request.Source, File.OpenRead(path), CancellationToken.None);
        var commit = await Assert.ThrowsAsync<TransactionEtlException>(() => loader.CommitAsync(ticket, request, CancellationToken.None));

        Assert.Contains("chunk 1", commit.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM txetl.transactions"));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM txetl.rejected_rows"));
        Assert.Equal("failed", await ScalarAsync<string>(dataSource, "SELECT status FROM txetl.ingestion_files"));

        var again = await ChunkedComparison.LoadAsync(dataSource, path, ChunkBytes, 1m);

        Assert.Equal((FileStatus.LoadedWithRejects, ticket.FileId), (again.Status, again.FileId));
        Assert.Equal(again.RowsLoaded, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM txetl.transactions"));
        Assert.Equal(2, await ScalarAsync<int>(dataSource, "SELECT attempt FROM txetl.ingestion_files"));
        Assert.Equal(0, await ChunkedComparison.LeftoversAsync(dataSource));
    }

    [Fact]
    public async Task The_next_begin_drops_a_dead_attempts_work_table_and_its_workers_are_refused()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var path = Write("dead.csv", ChunkedComparison.Sample(1500, seed: 32));
        var loader = new ChunkedLoader(dataSource);
        await using var stream = File.OpenRead(path);
        var request = Request(path, stream);
        var plan = await PlanAsync(path);
        var dead = (await loader.BeginAsync(request, plan, CancellationToken.None)).Ticket!;
        await loader.LoadChunkAsync(dead, request, 0, ParallelLoad.LocalFileReader(path), null, CancellationToken.None);
        Assert.Equal([$"f{dead.FileId}_a1"], await WorkTablesAsync(dataSource));

        // The process died here. The next run of the same file:
        var next = (await loader.BeginAsync(request, plan, CancellationToken.None)).Ticket!;

        Assert.Equal((dead.FileId, 2), (next.FileId, next.Attempt));
        Assert.Equal([$"f{dead.FileId}_a2"], await WorkTablesAsync(dataSource));
        await Assert.ThrowsAsync<TransactionEtlException>(() =>
            loader.LoadChunkAsync(dead, request, 1, ParallelLoad.LocalFileReader(path), null, CancellationToken.None));
        for (var i = 0; i < next.ChunkCount; i++)
        {
            await loader.LoadChunkAsync(next, request, i, ParallelLoad.LocalFileReader(path), null, CancellationToken.None);
        }

        await loader.HashAsync(next, request.Source, File.OpenRead(path), CancellationToken.None);
        var summary = await loader.CommitAsync(next, request, CancellationToken.None);

        Assert.Equal((FileStatus.Loaded, 1500L), (summary.Status, summary.RowsLoaded));
        Assert.Equal(1500L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM txetl.transactions"));
        Assert.Equal(0, await ChunkedComparison.LeftoversAsync(dataSource));
    }

    [Fact]
    public async Task The_same_bytes_under_another_path_are_already_loaded()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var text = ChunkedComparison.Sample(1500, seed: 33, faultRate: 0.02);
        var first = await ChunkedComparison.LoadAsync(dataSource, Write("first.csv", text), ChunkBytes, 1m);

        var copy = await ChunkedComparison.LoadAsync(dataSource, Write("copy.csv", text), ChunkBytes, 1m);
        var same = await ChunkedComparison.LoadAsync(dataSource, Path.Combine(_directory.FullName, "first.csv"), ChunkBytes, 1m);

        Assert.Equal(FileStatus.LoadedWithRejects, first.Status);
        Assert.Equal((FileStatus.AlreadyLoaded, first.FileId, first.Sha256), (copy.Status, copy.FileId, copy.Sha256));
        Assert.Equal((FileStatus.AlreadyLoaded, first.FileId), (same.Status, same.FileId));
        Assert.Equal(first.RowsLoaded, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM txetl.transactions"));
        Assert.Equal(0, await ChunkedComparison.LeftoversAsync(dataSource));
    }

    [Fact]
    public void The_ticket_travels_as_source_generated_json()
    {
        var plan = new ChunkPlan
        {
            Length = 300, TargetChunkBytes = 100, PrefixLength = 20,
            Chunks = [new FileChunk(0, 0, 120), new FileChunk(1, 120, 110), new FileChunk(2, 230, 70)],
        };
        var ticket = ChunkTicket.For(42, 3, Contract.Default, plan);

        var json = JsonSerializer.Serialize(new ChunkedLoadStart { Ticket = ticket }, ChunkTicketJsonContext.Default.ChunkedLoadStart);
        var back = JsonSerializer.Deserialize(json, ChunkTicketJsonContext.Default.ChunkedLoadStart)!.Ticket!;

        Assert.Contains("\"chunkStarts\":[0,120,230]", json, StringComparison.Ordinal);
        Assert.Equal((42L, 3, Contract.Default.Sha256, 300L, 20L), (back.FileId, back.Attempt, back.ContractSha256, back.Length, back.PrefixLength));
        Assert.Equal(plan.Chunks, back.ToPlan().Chunks);
    }

    private static LoadRequest Request(string path, Stream stream) => new()
    {
        Source = SourceIdentity.ForLocalFile(path), Content = stream, MaxRejectedRatio = 1m, SizeBytes = stream.Length,
    };

    private static async Task<ChunkPlan> PlanAsync(string path)
    {
        var options = new ProcessingOptions { Contract = Contract.Default, DetectDuplicatesInMemory = false };
        var plan = await ChunkPlanner.PlanAsync(new FileInfo(path).Length, ParallelLoad.LocalFileReader(path), options, ChunkBytes, CancellationToken.None);
        Assert.True(plan.Chunks.Count >= 8);
        return plan;
    }

    private static Task<List<string>> WorkTablesAsync(NpgsqlDataSource dataSource) =>
        ChunkedComparison.ReadAsync(dataSource, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'txetl_work' ORDER BY 1");

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
