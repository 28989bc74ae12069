using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TransactionEtl.Aws.RunEtl;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.RunEtl;

/// <summary>
/// run-etl's <c>backfill-summary</c> mode against s3rver holding a Distributed Map's results in the ResultWriter's
/// format (manifest.json naming SUCCEEDED_n.json and FAILED_n.json beside it, each a JSON array of child executions whose
/// Output is the child's output as a JSON string): the backfill's files counted by file status.
/// </summary>
public sealed class RunEtlBackfillSummaryTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>
{
    private const string MapRunId = "4977ded7-b097-3bee-81e1-7863c5660f29";
    private const string Directory = "reports/backfill/" + MapRunId + "/";
    private const string MapRunArn = "arn:aws:states:eu-central-1:123456789012:mapRun:txetl-backfill/backfill:" + MapRunId;

    private static byte[] SummaryEvent(string bucket, string key) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["mode"] = "backfill-summary", ["bucket"] = bucket, ["key"] = key, ["executionName"] = "backfill-1",
    });

    private static JsonObject Item(string key) => new() { ["bucket"] = "txetl-landing", ["key"] = key, ["eTag"] = "\"0f343b0931126a20f133d67c2b018a3b\"", ["size"] = 2048 };

    /// <summary>A child execution as the ResultWriter records it: metadata, Input and Output as JSON strings.</summary>
    private static JsonObject Child(string status, JsonObject input, JsonObject? output = null, string? error = null, string? cause = null)
    {
        var child = new JsonObject
        {
            ["ExecutionArn"] = $"arn:aws:states:eu-central-1:123456789012:execution:txetl-backfill/backfill:{Guid.NewGuid()}",
            ["Input"] = input.ToJsonString(),
            ["InputDetails"] = new JsonObject { ["Included"] = true },
            ["Name"] = Guid.NewGuid().ToString(),
            ["RedriveCount"] = 0,
            ["RedriveStatus"] = status == "SUCCEEDED" ? "NOT_REDRIVABLE" : "REDRIVABLE",
            ["StartDate"] = "2026-11-26T09:30:00.000Z",
            ["StateMachineArn"] = "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-backfill/backfill",
            ["Status"] = status,
            ["StopDate"] = "2026-11-26T09:31:04.000Z",
        };
        if (output is not null)
        {
            child["Output"] = output.ToJsonString();
            child["OutputDetails"] = new JsonObject { ["Included"] = true };
        }
        if (error is not null)
        {
            child["Error"] = error;
            child["Cause"] = cause;
        }
        return child;
    }

    private static JsonObject Loaded(string key, string status, long rowsLoaded)
    {
        var output = Item(key);
        output["etl"] = new JsonObject
        {
            ["summary"] = new JsonObject
            {
                ["file"] = key[(key.LastIndexOf('/') + 1)..], ["file_id"] = 7, ["status"] = status, ["rows_total"] = rowsLoaded + 1,
                ["rows_loaded"] = rowsLoaded, ["rows_rejected"] = status == "loaded_with_rejects" ? 1 : 0, ["reject_reasons"] = new JsonObject(),
                ["reports"] = new JsonObject { ["rejects_csv"] = "s3://txetl-landing/reports/x/rejects.csv", ["summary_json"] = "s3://txetl-landing/reports/x/summary.json" },
            },
        };
        return Child("SUCCEEDED", Item(key), output);
    }

    private static JsonObject Folder(string key) => Child("SUCCEEDED", Item(key), new JsonObject { ["key"] = key, ["status"] = "skipped" });

    private static JsonObject FailedChild(string key, string error) =>
        Child("FAILED", Item(key), error: error, cause: "The file was rejected; the alert and the reports/ prefix say why.");

    private async Task<string> PutJsonAsync(string bucket, string key, JsonNode body)
    {
        await s3rver.PutAsync(bucket, key, Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        return key;
    }

    private static JsonObject Manifest(string bucket, IEnumerable<string> succeeded, IEnumerable<string> failed) => new()
    {
        ["DestinationBucket"] = bucket,
        ["MapRunArn"] = MapRunArn,
        ["ResultFiles"] = new JsonObject
        {
            ["FAILED"] = new JsonArray(failed.Select(k => (JsonNode)new JsonObject { ["Key"] = k, ["Size"] = 1024 }).ToArray()),
            ["PENDING"] = new JsonArray(),
            ["SUCCEEDED"] = new JsonArray(succeeded.Select(k => (JsonNode)new JsonObject { ["Key"] = k, ["Size"] = 4096 }).ToArray()),
        },
    };

    private async Task<JsonElement> SummarizeAsync(string bucket, string manifestKey)
    {
        using var metrics = new StringWriter();
        await using var secretsManager = new SecretsManagerLoopback((_, _) => "{}");
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secretsManager, metrics);
        var response = await handler.HandleAsync(SummaryEvent(bucket, manifestKey), RunEtlTestHost.Context(), default);
        // Counting reads S3 only: no database secret, no database.
        Assert.Empty(secretsManager.Reads);
        return JsonDocument.Parse(response).RootElement.Clone();
    }

    [Fact]
    public async Task Counts_every_file_by_status_across_the_result_files_of_the_manifest()
    {
        var bucket = await s3rver.CreateBucketAsync("backfill");
        var succeeded0 = new JsonArray(
            Loaded("incoming/2026-11/new-1.csv", "loaded", 100), Loaded("incoming/2026-11/new-2.csv", "loaded", 250),
            Loaded("incoming/2026-11/old-1.csv", "already_loaded", 0), Folder("incoming/2026-11/archive/"));
        var succeeded1 = new JsonArray(
            Loaded("incoming/2026-11/some-rejects.csv", "loaded_with_rejects", 99), Loaded("incoming/2026-11/old-2.csv", "already_loaded", 0));
        var failed0 = new JsonArray(
            FailedChild("incoming/2026-11/rejected.csv", "TransactionEtl.FileRejected"),
            FailedChild("incoming/2026-11/database-down.csv", "TransactionEtl.LoadFailed"));
        var keys = new[]
        {
            await PutJsonAsync(bucket, Directory + "SUCCEEDED_0.json", succeeded0),
            await PutJsonAsync(bucket, Directory + "SUCCEEDED_1.json", succeeded1),
            await PutJsonAsync(bucket, Directory + "FAILED_0.json", failed0),
        };
        var manifest = await PutJsonAsync(bucket, Directory + "manifest.json", Manifest(bucket, keys[..2], keys[2..]));

        var counts = await SummarizeAsync(bucket, manifest);

        Assert.Equal(
            $$"""{"total":8,"loaded":2,"loaded_with_rejects":1,"already_loaded":2,"rejected":1,"failed":1,"skipped":1,"other":0,"rows_loaded":449,"results_uri":"s3://{{bucket}}/{{Directory}}","result_files":3}""",
            counts.GetRawText());
    }

    [Fact]
    public async Task A_timed_out_or_aborted_child_counts_as_failed_and_an_output_without_a_status_as_other()
    {
        var bucket = await s3rver.CreateBucketAsync("backfill");
        var failed = new JsonArray(
            Child("TIMED_OUT", Item("incoming/a.csv"), error: "States.Timeout", cause: "timed out"),
            Child("ABORTED", Item("incoming/b.csv")),
            FailedChild("incoming/c.csv", "States.TaskFailed"));
        var succeeded = new JsonArray(Child("SUCCEEDED", Item("incoming/d.csv"), new JsonObject { ["key"] = "incoming/d.csv" }));
        var keys = new[] { await PutJsonAsync(bucket, Directory + "SUCCEEDED_0.json", succeeded), await PutJsonAsync(bucket, Directory + "FAILED_0.json", failed) };
        var manifest = await PutJsonAsync(bucket, Directory + "manifest.json", Manifest(bucket, keys[..1], keys[1..]));

        var counts = await SummarizeAsync(bucket, manifest);

        Assert.Equal(4, counts.GetProperty("total").GetInt64());
        Assert.Equal(3, counts.GetProperty("failed").GetInt64());
        Assert.Equal(0, counts.GetProperty("rejected").GetInt64());
        Assert.Equal(1, counts.GetProperty("other").GetInt64());
    }

    [Fact]
    public async Task A_map_run_without_results_counts_nothing()
    {
        var bucket = await s3rver.CreateBucketAsync("backfill");
        var manifest = await PutJsonAsync(bucket, Directory + "manifest.json", Manifest(bucket, [], []));

        var counts = await SummarizeAsync(bucket, manifest);

        Assert.Equal(0, counts.GetProperty("total").GetInt64());
        Assert.Equal(0, counts.GetProperty("result_files").GetInt64());
    }

    [Theory]
    [InlineData("reports/other-run/SUCCEEDED_0.json")]
    [InlineData("incoming/2026-11/new-1.csv")]
    [InlineData(Directory + "../../../incoming/x.json")]
    public async Task Reads_no_result_file_outside_the_map_runs_own_results(string listed)
    {
        var bucket = await s3rver.CreateBucketAsync("backfill");
        await PutJsonAsync(bucket, "reports/other-run/SUCCEEDED_0.json", new JsonArray(Loaded("incoming/x.csv", "loaded", 1)));
        var manifest = await PutJsonAsync(bucket, Directory + "manifest.json", Manifest(bucket, [listed], []));

        var ex = await Assert.ThrowsAsync<MapRunResultsException>(() => SummarizeAsync(bucket, manifest));

        Assert.Contains($"outside s3://{bucket}/{Directory}", ex.Message);
    }

    [Theory]
    [InlineData("reports/backfill/" + MapRunId + "/SUCCEEDED_0.json", "is not a Map Run's manifest.json")]
    [InlineData("reports/backfill/" + MapRunId + "/manifest.json", "is not a ResultWriter result file")]
    public async Task Refuses_what_the_result_writer_does_not_write(string key, string message)
    {
        var bucket = await s3rver.CreateBucketAsync("backfill");
        await s3rver.PutAsync(bucket, Directory + "SUCCEEDED_0.json", Encoding.UTF8.GetBytes("""{"not":"an array"}"""));
        await PutJsonAsync(bucket, Directory + "manifest.json", Manifest(bucket, [Directory + "SUCCEEDED_0.json"], []));

        var ex = await Assert.ThrowsAsync<MapRunResultsException>(() => SummarizeAsync(bucket, key));

        Assert.Contains(message, ex.Message);
        Assert.Equal("TransactionEtl.MapRunResultsError", TransactionEtl.Aws.Runtime.LambdaError.FromException(ex).ErrorType);
    }
}
