using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TransactionEtl.Aws.RunEtl;
using TransactionEtl.Aws.S3.Internal;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Core.Samples;
using TransactionEtl.Testing;
using Xunit.Abstractions;

namespace TransactionEtl.Aws.Tests.RunEtl;

/// <summary>
/// Memory while run-etl streams a large object. GC counters are process-wide, so this runs in a collection
/// that xunit runs alone (other tests' allocations would blur the measurement, and its 1 GB of allocations
/// would blur theirs).
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RunEtlLargeObjectTests(S3rverFixture s3rver, PostgresFixture db, ITestOutputHelper output)
    : IClassFixture<S3rverFixture>, IClassFixture<PostgresFixture>, IDisposable
{
    private readonly StringWriter _metrics = new();

    public void Dispose() => _metrics.Dispose();

    /// <summary>
    /// Rows of the large-object test. 1M rows (about 100 MB) is the acceptance size; on this 2-core machine
    /// it takes minutes, which is why it is one test and measures memory only (no timing assertions).
    /// </summary>
    private const int LargeRows = 1_000_000;

    [Fact]
    public async Task Streams_a_large_object_with_memory_that_does_not_follow_its_size()
    {
        var bucket = await s3rver.CreateBucketAsync("runetl");
        using (var s3 = s3rver.CreateClient())
        {
            // Generated straight into a multipart upload: neither the test nor the function holds the file.
            await using var upload = new S3UploadStream(s3, bucket, "incoming/large.csv", "text/csv", NullLogger.Instance);
            await new SampleGenerator(new SampleOptions { Rows = LargeRows, Seed = 7 }).WriteAsync(upload, default);
            await upload.CompleteAsync(default);
        }
        long size;
        using (var s3 = s3rver.CreateClient())
        {
            size = (await s3.GetObjectMetadataAsync(bucket, "incoming/large.csv")).ContentLength;
        }
        await using var secretsManager = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(db.ConnectionString));
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secretsManager, _metrics);

        GC.Collect();
        var baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        long peakHeap = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var response = await handler.HandleAsync(RunEtlTestHost.Event(bucket, "incoming/large.csv", null, size), RunEtlTestHost.Context(), default);
        await stop.CancelAsync();
        await sampler;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;

        var summary = JsonDocument.Parse(response).RootElement;
        Assert.Equal(LargeRows, summary.GetProperty("rows_total").GetInt64());
        Assert.Equal(summary.GetProperty("rows_total").GetInt64(), summary.GetProperty("rows_loaded").GetInt64() + summary.GetProperty("rows_rejected").GetInt64() + summary.GetProperty("rows_duplicate").GetInt64());
        var growth = peakHeap - baselineHeap;
        output.WriteLine($"object {size / 1e6:0.0} MB, {LargeRows} rows; managed heap peak growth {growth / 1e6:0.0} MB; allocated {allocated / 1e6:0} MB; process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB");
        // Buffering the file (as bytes or as UTF-16 strings) would need at least its size; a stream needs buffers.
        // Other tests in this process allocate too, so the bound is generous but still far below the object size.
        Assert.True(growth < size / 2, $"managed heap grew by {growth / 1e6:0.0} MB while streaming a {size / 1e6:0.0} MB object");
    }
}
