using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.S3;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.S3;

public sealed class S3ReportWriterTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>
{
    private S3ReportWriter Writer(int? partSize = null)
    {
        var s3 = S3ClientFactory.Create(AwsServiceEndpoints.FromEnvironment(k => s3rver.Environment.GetValueOrDefault(k)), s3rver.Credentials);
        return partSize is { } p ? new S3ReportWriter(s3, NullLogger.Instance, p) : new S3ReportWriter(s3, NullLogger.Instance);
    }

    [Fact]
    public async Task Writes_rejects_csv_and_summary_json_beside_the_object()
    {
        var bucket = await s3rver.CreateBucketAsync();
        var location = ReportLocation.For(new S3ObjectPointer(bucket, "incoming/../../tx.csv", "v1"));
        var writer = Writer();

        await using (var rejects = await writer.OpenRejectsAsync(location, default))
        {
            await rejects.WriteAsync(new RejectedRow(3, "T2,2026-13-01,\"A, \"\"quoted\"\"\"", [
                new CellError("timestamp", "type-error", "not a calendar date; expected YYYY-MM-DD", "2026-13-01"),
                new CellError("currency", "missing-cell", "currency is required", null),
            ]), default);
            await rejects.WriteAsync(new RejectedRow(7, "T3,x", [new CellError(null, "extra-cell", "row has 3 cells, header has 2", null)]), default);
            Assert.Equal(location.RejectsUri, await rejects.CompleteAsync(default));
            Assert.Equal(2, rejects.Rows);
        }
        var summaryUri = await writer.WriteSummaryAsync(location, "{\"status\":\"loaded_with_rejects\"}"u8.ToArray(), default);

        var csv = Encoding.UTF8.GetString((await s3rver.GetAsync(bucket, location.RejectsKey))!);
        Assert.Equal(
            "line,codes,errors,raw_record\r\n" +
            "3,type-error;missing-cell,timestamp: not a calendar date; expected YYYY-MM-DD [2026-13-01] | currency: currency is required,\"T2,2026-13-01,\"\"A, \"\"\"\"quoted\"\"\"\"\"\"\"\r\n" +
            "7,extra-cell,\"row has 3 cells, header has 2\",\"T3,x\"\r\n",
            csv);
        Assert.Equal(location.SummaryUri, summaryUri);
        Assert.Equal("{\"status\":\"loaded_with_rejects\"}", Encoding.UTF8.GetString((await s3rver.GetAsync(bucket, location.SummaryKey))!));
        Assert.StartsWith($"s3://{bucket}/reports/", summaryUri);
    }

    [Fact]
    public async Task Large_reject_reports_go_up_in_parts()
    {
        var bucket = await s3rver.CreateBucketAsync();
        var location = ReportLocation.For(new S3ObjectPointer(bucket, "big.csv", "v1"));
        var writer = Writer(partSize: 5 * 1024 * 1024);
        var raw = new string('x', 1000);
        const int rows = 12_000; // about 12 MB: three parts

        await using (var rejects = await writer.OpenRejectsAsync(location, default))
        {
            for (var i = 0; i < rows; i++)
            {
                await rejects.WriteAsync(new RejectedRow(i + 2, raw, [new CellError("amount", "type-error", "not a number", "x")]), default);
            }
            await rejects.CompleteAsync(default);
        }

        var csv = Encoding.UTF8.GetString((await s3rver.GetAsync(bucket, location.RejectsKey))!);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rows + 1, lines.Length);
        Assert.Equal($"{rows + 1},type-error,amount: not a number [x],{raw}", lines[^1]);
    }

    [Fact]
    public async Task A_report_not_completed_never_appears()
    {
        var bucket = await s3rver.CreateBucketAsync();
        var location = ReportLocation.For(new S3ObjectPointer(bucket, "abandoned.csv"));
        var writer = Writer(partSize: 5 * 1024 * 1024);

        await using (var rejects = await writer.OpenRejectsAsync(location, default))
        {
            for (var i = 0; i < 7000; i++)
            {
                await rejects.WriteAsync(new RejectedRow(i + 2, new string('y', 1000), [new CellError(null, "extra-cell", "too many cells", null)]), default);
            }
        }

        Assert.Null(await s3rver.GetAsync(bucket, location.RejectsKey));
    }
}
