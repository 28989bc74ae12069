using System.Text;
using System.Text.Json;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Core.Samples;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// Loads one file into a fresh database single-stream (<see cref="FileLoader"/>) or in chunks (<see cref="ParallelLoad"/>)
/// and reads back everything the load decided, so that two outcomes compare as wholes.
/// </summary>
internal static class ChunkedComparison
{
    public const int Workers = 4;

    /// <summary>What a load left: the summary (minus duration), stored rows, rejected rows, ledger rows, leftovers.</summary>
    public sealed record Outcome(string Summary, IReadOnlyList<string> Rows, IReadOnlyList<string> Rejects, IReadOnlyList<string> Ledger, long Leftovers)
    {
        public void AssertSame(Outcome other)
        {
            Assert.Equal(Summary, other.Summary);
            Assert.Equal(Rows, other.Rows);
            Assert.Equal(Rejects, other.Rejects);
            Assert.Equal(Ledger, other.Ledger);
            Assert.Equal(0, other.Leftovers);
        }
    }

    /// <summary>A sample file's text (LF line ends, the default contract's header).</summary>
    public static string Sample(long rows, int seed, double faultRate = 0)
    {
        using var stream = new MemoryStream();
        new SampleGenerator(new SampleOptions { Rows = rows, Seed = seed, FaultRate = faultRate }).WriteAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>How many chunks <see cref="ParallelLoad"/> will plan for the file (a test over one chunk would prove nothing).</summary>
    public static async Task<int> ChunkCountAsync(string path, long chunkBytes)
    {
        var options = new ProcessingOptions { Contract = Contract.Default, DetectDuplicatesInMemory = false };
        var plan = await ChunkPlanner.PlanAsync(new FileInfo(path).Length, ParallelLoad.LocalFileReader(path), options, chunkBytes, CancellationToken.None);
        return plan.Chunks.Count;
    }

    /// <summary>
    /// Loads <paramref name="before"/> files single-stream, then <paramref name="path"/> single-stream or in chunks of
    /// <paramref name="chunkBytes"/>, into a fresh database, and reads back the outcome.
    /// </summary>
    public static Task<Outcome> LoadAsync(string path, long? chunkBytes, decimal? maxRejectedRatio = null, params string[] before) =>
        LoadAsync(path, chunkBytes, maxRejectedRatio, stepByStep: false, before);

    /// <param name="path">The file.</param>
    /// <param name="chunkBytes">The chunk size; null loads single-stream.</param>
    /// <param name="maxRejectedRatio">The reject threshold.</param>
    /// <param name="stepByStep">Chunks through <see cref="ChunkedLoader"/>'s steps one by one (as Step Functions runs them), not <see cref="ParallelLoad"/>.</param>
    /// <param name="before">Files loaded single-stream first.</param>
    public static async Task<Outcome> LoadAsync(string path, long? chunkBytes, decimal? maxRejectedRatio, bool stepByStep, params string[] before)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        foreach (var earlier in before)
        {
            await LoadAsync(dataSource, earlier, null, null);
        }

        var summary = stepByStep
            ? await LoadStepByStepAsync(dataSource, path, chunkBytes!.Value, maxRejectedRatio)
            : await LoadAsync(dataSource, path, chunkBytes, maxRejectedRatio);
        return new Outcome(
            JsonSerializer.Serialize(summary with { DurationMs = 0 }, FileSummaryJsonContext.Default.FileSummary),
            await ReadAsync(dataSource, "SELECT (to_jsonb(t) - 'loaded_at')::text FROM txetl.transactions t ORDER BY transaction_id"),
            await ReadAsync(dataSource, "SELECT concat_ws(' | ', file_id, line, raw_record, errors::text) FROM txetl.rejected_rows ORDER BY file_id, line"),
            // attempt: a chunked load of a file with a file-level error is taken over by a single-stream read (ParallelLoad).
            await ReadAsync(dataSource, "SELECT (to_jsonb(f) - 'started_at' - 'finished_at' - 'attempt')::text FROM txetl.ingestion_files f ORDER BY file_id"),
            await LeftoversAsync(dataSource));
    }

    public static async Task<FileSummary> LoadAsync(NpgsqlDataSource dataSource, string path, long? chunkBytes, decimal? maxRejectedRatio)
    {
        await using var stream = File.OpenRead(path);
        var request = new LoadRequest
        {
            Source = SourceIdentity.ForLocalFile(path),
            Content = stream,
            MaxRejectedRatio = maxRejectedRatio,
            SizeBytes = stream.Length,
        };
        return chunkBytes is { } bytes
            ? await ParallelLoad.LoadAsync(dataSource, request, path, Workers, bytes, null, CancellationToken.None)
            : await new FileLoader(dataSource).LoadAsync(request, CancellationToken.None);
    }

    /// <summary>Begin, every chunk (last first: any order will do), hash, commit: what the AWS state machine runs.</summary>
    public static async Task<FileSummary> LoadStepByStepAsync(NpgsqlDataSource dataSource, string path, long chunkBytes, decimal? maxRejectedRatio)
    {
        await using var stream = File.OpenRead(path);
        var request = new LoadRequest { Source = SourceIdentity.ForLocalFile(path), Content = stream, MaxRejectedRatio = maxRejectedRatio, SizeBytes = stream.Length };
        var read = ParallelLoad.LocalFileReader(path);
        var options = new ProcessingOptions { Contract = Contract.Default, DetectDuplicatesInMemory = false };
        var plan = await ChunkPlanner.PlanAsync(stream.Length, read, options, chunkBytes, CancellationToken.None);
        var loader = new ChunkedLoader(dataSource);
        var ticket = (await loader.BeginAsync(request, plan, CancellationToken.None)).Ticket!;
        for (var i = ticket.ChunkCount - 1; i >= 0; i--)
        {
            await loader.LoadChunkAsync(ticket, request, i, read, null, CancellationToken.None);
        }

        await using (var content = File.OpenRead(path))
        {
            await loader.HashAsync(ticket, request.Source, content, CancellationToken.None);
        }

        return await loader.CommitAsync(ticket, request, CancellationToken.None);
    }

    /// <summary>Work tables, chunk-load rows and chunk rows still in the database.</summary>
    public static async Task<long> LeftoversAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'txetl_work' AND tablename LIKE 'f%\\_a%') + (SELECT count(*) FROM txetl.ingestion_chunk_loads) " +
            "+ (SELECT count(*) FROM txetl.ingestion_chunks)");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<List<string>> ReadAsync(NpgsqlDataSource dataSource, string sql)
    {
        var rows = new List<string>();
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.IsDBNull(0) ? "" : reader.GetString(0));
        }

        return rows;
    }
}
