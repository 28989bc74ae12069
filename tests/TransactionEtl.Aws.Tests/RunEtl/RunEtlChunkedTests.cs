using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.RunEtl;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Core.Samples;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.RunEtl;

/// <summary>
/// Issue 18 item 2 through RunEtl: the chunked path's modes as the state machine calls them (plan, then every chunk in
/// any order and the hash, then commit), over s3rver ranged GETs into a fresh PostgreSQL database, end exactly as the
/// single-stream load of the same object into another fresh database: the same summary, stored rows and rejects.
/// </summary>
public sealed class RunEtlChunkedTests(S3rverFixture s3rver)
    : IClassFixture<S3rverFixture>
{
    private const long ChunkBytes = 16 * 1024;

    /// <summary>Sample rows with faults (rejects), and rows repeated later in the file (duplicates that straddle chunks).</summary>
    private static byte[] Csv(string idPrefix)
    {
        using var stream = new MemoryStream();
        new SampleGenerator(new SampleOptions { Rows = 2500, Seed = 18, FaultRate = 0.004 }).WriteAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
        var lines = Encoding.UTF8.GetString(stream.ToArray()).Replace("TX", idPrefix, StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var text = new StringBuilder().AppendJoin('\n', lines).Append('\n');
        foreach (var i in new[] { 3, 700, 1500 })
        {
            text.Append(lines[i]).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static JsonObject Pointer(string bucket, string key, string eTag, long size) => new()
    {
        ["bucket"] = bucket, ["key"] = key, ["versionId"] = null, ["eTag"] = eTag, ["size"] = size, ["executionName"] = "chunked-test",
    };

    private static async Task<JsonNode> InvokeAsync(RunEtlHandler handler, JsonObject payload) =>
        JsonNode.Parse(await handler.HandleAsync(Encoding.UTF8.GetBytes(payload.ToJsonString()), RunEtlTestHost.Context(), default))!;

    private static JsonObject With(JsonObject pointer, string mode, JsonNode? ticket = null, int? chunkIndex = null)
    {
        var payload = (JsonObject)pointer.DeepClone();
        payload["mode"] = mode;
        if (ticket is not null)
        {
            payload["ticket"] = ticket.DeepClone();
        }
        if (mode == "chunk")
        {
            payload["chunkIndex"] = chunkIndex;
        }
        return payload;
    }

    /// <summary>Plan, the chunks last-first with the hash between them, commit: the summary the commit answers.</summary>
    private static async Task<(JsonNode Plan, JsonNode Summary)> LoadChunkedAsync(RunEtlHandler handler, JsonObject pointer)
    {
        var planRequest = With(pointer, "plan");
        planRequest["chunkBytes"] = ChunkBytes;
        var plan = await InvokeAsync(handler, planRequest);
        Assert.True(plan["path"]!.GetValue<string>() == "chunked", plan.ToJsonString());
        var ticket = plan["ticket"]!;
        var items = plan["items"]!.AsArray().Select(i => (Mode: i!["mode"]!.GetValue<string>(), Index: i["chunkIndex"]?.GetValue<int>())).ToList();
        var chunks = items.Where(i => i.Mode == "chunk").Select(i => i.Index!.Value).Reverse().ToList();
        Assert.Equal(Enumerable.Range(0, plan["chunks"]!.GetValue<int>()).Reverse(), chunks);
        Assert.Equal(1, items.Count(i => i.Mode == "hash"));
        foreach (var (index, n) in chunks.Select((c, n) => (c, n)))
        {
            if (n == chunks.Count / 2)
            {
                var hash = await InvokeAsync(handler, With(pointer, "hash", ticket));
                Assert.Equal(64, hash["sha256"]!.GetValue<string>().Length);
            }
            var chunk = await InvokeAsync(handler, With(pointer, "chunk", ticket, index));
            Assert.Equal(index, chunk["chunk_index"]!.GetValue<int>());
        }
        return (plan, await InvokeAsync(handler, With(pointer, "commit", ticket)));
    }

    private static async Task<List<string>> ReadAsync(TestDatabase db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }

    private static async Task<(List<string> Rows, List<string> Rejects, List<string> Leftovers)> StoredAsync(TestDatabase db) => (
        await ReadAsync(db, "SELECT (to_jsonb(t) - 'loaded_at' - 'file_id')::text FROM txetl.transactions t ORDER BY transaction_id"),
        await ReadAsync(db, "SELECT concat_ws(' | ', line, raw_record, errors::text) FROM txetl.rejected_rows ORDER BY line"),
        await ReadAsync(db, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'txetl_work' UNION ALL SELECT 'chunk ' || chunk_index FROM txetl.ingestion_chunks"));

    private static string Comparable(JsonNode summary)
    {
        var copy = summary.DeepClone().AsObject();
        copy.Remove("file_id");
        copy.Remove("duration_ms");
        return copy.ToJsonString();
    }

    [Fact]
    public async Task Plan_chunks_in_any_order_hash_and_commit_end_exactly_as_the_single_stream_load()
    {
        await using var singleDb = await TestDatabase.CreateAsync();
        await using var chunkedDb = await TestDatabase.CreateAsync();
        using var metrics = new StringWriter();
        await using var singleSecrets = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(singleDb.ConnectionString));
        await using var chunkedSecrets = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(chunkedDb.ConnectionString));
        await using var single = RunEtlTestHost.CreateHandler(s3rver, singleSecrets, metrics);
        await using var chunked = RunEtlTestHost.CreateHandler(s3rver, chunkedSecrets, metrics);
        var bucket = await s3rver.CreateBucketAsync("chunked");
        var content = Csv("CH");
        var put = await s3rver.PutAsync(bucket, "incoming/large.csv", content);
        var pointer = Pointer(bucket, "incoming/large.csv", put.ETag.Trim('"'), content.Length);

        var expected = await InvokeAsync(single, pointer);
        var expectedRejects = await s3rver.GetAsync(bucket, expected["reports"]!["rejects_csv"]!.GetValue<string>()[$"s3://{bucket}/".Length..]);
        var (plan, summary) = await LoadChunkedAsync(chunked, pointer);

        Assert.True(plan["chunks"]!.GetValue<int>() >= 8, plan.ToJsonString());
        Assert.True(summary["status"]!.GetValue<string>() == "loaded_with_rejects", summary.ToJsonString());
        // The three repeated rows are in-file duplicates of rows chunks earlier: rejected, the first in file order kept.
        Assert.True(summary["reject_reasons"]!["primary-key"]?.GetValue<long>() == 3, summary.ToJsonString());
        Assert.Equal(Comparable(expected), Comparable(summary));
        var (rows, rejects, leftovers) = await StoredAsync(chunkedDb);
        var (expectedRows, expectedRejectRows, _) = await StoredAsync(singleDb);
        Assert.Equal(expectedRows, rows);
        Assert.Equal(expectedRejectRows, rejects);
        Assert.NotEmpty(rejects);
        Assert.Empty(leftovers);
        // The commit wrote the same reports as the single-stream load (same object, same location).
        Assert.Equal(expectedRejects, await s3rver.GetAsync(bucket, summary["reports"]!["rejects_csv"]!.GetValue<string>()[$"s3://{bucket}/".Length..]));
    }

    [Fact]
    public async Task A_file_level_error_in_a_middle_chunk_ends_exactly_as_the_single_stream_load()
    {
        await using var singleDb = await TestDatabase.CreateAsync();
        await using var chunkedDb = await TestDatabase.CreateAsync();
        using var metrics = new StringWriter();
        await using var singleSecrets = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(singleDb.ConnectionString));
        await using var chunkedSecrets = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(chunkedDb.ConnectionString));
        await using var single = RunEtlTestHost.CreateHandler(s3rver, singleSecrets, metrics);
        await using var chunked = RunEtlTestHost.CreateHandler(s3rver, chunkedSecrets, metrics);
        var bucket = await s3rver.CreateBucketAsync("chunked");
        var content = Csv("FE");
        content[content.Length / 2] = 0xFF; // not UTF-8: the file is rejected as a whole
        var put = await s3rver.PutAsync(bucket, "incoming/broken.csv", content);
        var pointer = Pointer(bucket, "incoming/broken.csv", put.ETag.Trim('"'), content.Length);

        var expected = await InvokeAsync(single, pointer);
        var (_, summary) = await LoadChunkedAsync(chunked, pointer);

        Assert.True(summary["status"]!.GetValue<string>() == "rejected", summary.ToJsonString());
        Assert.Equal(Comparable(expected), Comparable(summary));
        Assert.Equal((await StoredAsync(singleDb)).Rejects, (await StoredAsync(chunkedDb)).Rejects);
        Assert.Empty((await StoredAsync(chunkedDb)).Leftovers);
    }

    [Fact]
    public async Task A_second_plan_of_a_loaded_object_answers_already_loaded_with_its_reports()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var metrics = new StringWriter();
        await using var secrets = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(db.ConnectionString));
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secrets, metrics);
        var bucket = await s3rver.CreateBucketAsync("chunked");
        var content = Csv("AL");
        var put = await s3rver.PutAsync(bucket, "incoming/again.csv", content);
        var pointer = Pointer(bucket, "incoming/again.csv", put.ETag.Trim('"'), content.Length);
        var (_, first) = await LoadChunkedAsync(handler, pointer);

        var planRequest = With(pointer, "plan");
        planRequest["chunkBytes"] = ChunkBytes;
        var again = await InvokeAsync(handler, planRequest);

        Assert.Equal("done", again["path"]!.GetValue<string>());
        Assert.Equal("already_loaded", again["summary"]!["status"]!.GetValue<string>());
        Assert.Equal(first["file_id"]!.GetValue<long>(), again["summary"]!["file_id"]!.GetValue<long>());
        Assert.NotNull(again["summary"]!["reports"]!["summary_json"]);
    }

    [Fact]
    public async Task A_compressed_object_is_planned_single_stream_without_touching_the_database()
    {
        await using var secrets = new SecretsManagerLoopback((_, _) => throw new InvalidOperationException("the plan of a gzip object must not read the secret"));
        using var metrics = new StringWriter();
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secrets, metrics);
        var bucket = await s3rver.CreateBucketAsync("chunked");
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Csv("GZ"));
        }
        var put = await s3rver.PutAsync(bucket, "incoming/large.csv.gz", output.ToArray());
        var planRequest = With(Pointer(bucket, "incoming/large.csv.gz", put.ETag.Trim('"'), output.Length), "plan");
        planRequest["chunkBytes"] = ChunkBytes;

        var plan = await InvokeAsync(handler, planRequest);

        Assert.Equal("single", plan["path"]!.GetValue<string>());
        Assert.Contains("not plain text", plan["reason"]!.GetValue<string>());
        Assert.Empty(secrets.Server.Requests);
    }

    [Theory]
    [InlineData("""{"mode":"plan","bucket":"b","key":"k","size":100}""", "lacks chunkBytes")]
    [InlineData("""{"mode":"plan","bucket":"b","key":"k","chunkBytes":100}""", "lacks size")]
    [InlineData("""{"mode":"chunk","bucket":"b","key":"k","chunkIndex":0}""", "lacks ticket")]
    [InlineData("""{"mode":"chunk","bucket":"b","key":"k","ticket":{"fileId":1}}""", "lacks chunkIndex")]
    [InlineData("""{"mode":"commit","bucket":"b","key":"k","ticket":"x"}""", "lacks ticket")]
    [InlineData("""{"mode":"split","bucket":"b","key":"k"}""", "plan, chunk, hash, commit")]
    [InlineData("""{"mode":"hash","bucket":"b","key":"incoming/k","ticket":{"fileId":1,"chunkStarts":"x"}}""", "not the one PlanChunks returns")]
    public async Task A_chunked_event_without_what_its_mode_needs_is_refused_before_any_secret_is_read(string payload, string message)
    {
        await using var secrets = new SecretsManagerLoopback((_, _) => "{}");
        using var metrics = new StringWriter();
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secrets, metrics);

        var ex = await Assert.ThrowsAsync<InvalidRunEtlRequestException>(() =>
            handler.HandleAsync(Encoding.UTF8.GetBytes(payload), RunEtlTestHost.Context(), default));

        Assert.Equal("TransactionEtl.InvalidRunEtlRequestError", LambdaError.FromException(ex).ErrorType);
        Assert.Contains(message, ex.Message);
        Assert.Empty(secrets.Server.Requests);
    }
}
