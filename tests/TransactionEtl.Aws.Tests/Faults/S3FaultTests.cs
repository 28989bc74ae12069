using System.Text.Json;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using TransactionEtl.Aws.S3.Internal;
using TransactionEtl.Aws.Tests.RunEtl;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Core;
using TransactionEtl.Core.Samples;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Aws.Tests.Faults;

/// <summary>
/// The S3 server dies while run-etl streams an object. The class has its own s3rver (an xunit class fixture),
/// so stopping it does not cut other classes' requests.
/// </summary>
public sealed class S3FaultTests(S3rverFixture s3rver, PostgresFixture db)
    : IClassFixture<S3rverFixture>, IClassFixture<PostgresFixture>, IDisposable
{
    private const int Rows = 200_000;
    private const string Key = "incoming/cut.csv";

    private readonly StringWriter _metrics = new();

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task Stopping_the_s3_server_mid_object_fails_the_load_as_transient_and_the_retry_loads_it_once()
    {
        var bucket = await s3rver.CreateBucketAsync("faults");
        using (var s3 = s3rver.CreateClient())
        {
            // About 20 MB: far more than the loopback socket buffers, so the body is still streaming when the server dies.
            await using var upload = new S3UploadStream(s3, bucket, Key, "text/csv", NullLogger.Instance);
            await new SampleGenerator(new SampleOptions { Rows = Rows, Seed = 906 }).WriteAsync(upload, default);
            await upload.CompleteAsync(default);
        }
        long size;
        using (var s3 = s3rver.CreateClient())
        {
            size = (await s3.GetObjectMetadataAsync(bucket, Key)).ContentLength;
        }
        await using var secretsManager = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(db.ConnectionString));
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secretsManager, _metrics);
        var activity = new ServerActivity(db.ConnectionString);

        var load = Task.Run(() => handler.HandleAsync(RunEtlTestHost.Event(bucket, Key, null, size), RunEtlTestHost.Context(), default));
        await activity.WaitForSessionAsync(ServerActivity.Copying, "COPY", () => load.IsCompleted ? "the load ended first" : null);
        s3rver.Stop();

        var failure = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => load);
        Assert.True(failure.IsTransient, failure.ToString());
        var fileId = await activity.ScalarAsync<long>("SELECT file_id FROM txetl.ingestion_files WHERE s3_bucket = @b AND s3_key = @k", ("b", bucket), ("k", Key));
        Assert.Equal("failed", await activity.ScalarAsync<string>("SELECT status FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId)));
        Assert.Equal(0L, await activity.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX906-%'"));
        Assert.Equal(0L, await activity.ScalarAsync<long>("SELECT count(*) FROM txetl.rejected_rows WHERE file_id = @id", ("id", fileId)));

        await s3rver.StartAgainAsync();
        using (var s3 = s3rver.CreateClient())
        {
            var reports = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "reports/" });
            Assert.Empty(reports.S3Objects ?? []);
        }
        var response = await handler.HandleAsync(RunEtlTestHost.Event(bucket, Key, null, size), RunEtlTestHost.Context(), default);

        var summary = JsonDocument.Parse(response).RootElement;
        Assert.Equal(FileStatus.Loaded, summary.GetProperty("status").GetString());
        Assert.Equal(fileId, summary.GetProperty("file_id").GetInt64());
        Assert.Equal(Rows, summary.GetProperty("rows_total").GetInt64());
        Assert.Equal(Rows, summary.GetProperty("rows_loaded").GetInt64());
        Assert.Equal(2, await activity.ScalarAsync<int>("SELECT attempt FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId)));
        Assert.Equal((long)Rows, await activity.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX906-%'"));
        Assert.Equal(1L, await activity.ScalarAsync<long>("SELECT count(*) FROM txetl.ingestion_files WHERE s3_bucket = @b", ("b", bucket)));
        FaultScenarios.Measured("s3-stopped", files: 1, rows: Rows, faults: 1, rowsLost: Rows - summary.GetProperty("rows_loaded").GetInt64());
    }
}
