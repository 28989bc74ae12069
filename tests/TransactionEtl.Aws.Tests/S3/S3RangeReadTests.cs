using Amazon.S3;
using Microsoft.Extensions.Logging.Abstractions;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.S3;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.S3;

/// <summary>
/// Ranged GETs for the chunked path (S3ObjectSource.OpenRangeAsync): the bytes of the range from a real s3rver, pinned
/// to the event's version or ETag, and refused when a server serves other bytes than the range asked for.
/// </summary>
public sealed class S3RangeReadTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>
{
    private IAmazonS3 Client() =>
        S3ClientFactory.Create(AwsServiceEndpoints.FromEnvironment(k => s3rver.Environment.GetValueOrDefault(k)), s3rver.Credentials);

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task Reads_exactly_the_bytes_of_each_range()
    {
        var bucket = await s3rver.CreateBucketAsync();
        var content = new byte[300_001];
        new Random(7).NextBytes(content);
        var put = await s3rver.PutAsync(bucket, "incoming/big file.csv", content);
        using var s3 = Client();
        var source = new S3ObjectSource(s3, NullLogger.Instance);
        var pointer = new S3ObjectPointer(bucket, "incoming/big file.csv", ETag: put.ETag.Trim('"'));

        foreach (var (offset, length) in new (long, long)[] { (5, 1), (0, 65_536), (1, 99_999), (123_457, 100_000), (299_999, 2), (0, content.Length) })
        {
            var bytes = await ReadAllAsync(await source.OpenRangeAsync(pointer, offset, length, default));
            Assert.Equal(content.AsSpan((int)offset, (int)length).ToArray(), bytes);
        }
    }

    [Fact]
    public async Task A_range_past_the_end_ends_at_the_end_and_one_after_it_is_empty()
    {
        var bucket = await s3rver.CreateBucketAsync();
        var content = "transaction_id,amount\nT1,10.00\n"u8.ToArray();
        var put = await s3rver.PutAsync(bucket, "a.csv", content);
        using var s3 = Client();
        var source = new S3ObjectSource(s3, NullLogger.Instance);
        var pointer = new S3ObjectPointer(bucket, "a.csv", ETag: put.ETag.Trim('"'));

        Assert.Equal(content[20..], await ReadAllAsync(await source.OpenRangeAsync(pointer, 20, 1000, default)));
        Assert.Empty(await ReadAllAsync(await source.OpenRangeAsync(pointer, content.Length, 10, default)));
        Assert.Empty(await ReadAllAsync(await source.OpenRangeAsync(pointer, 3, 0, default)));
    }

    [Fact]
    public async Task A_range_of_an_object_overwritten_since_the_event_is_refused()
    {
        // s3rver ignores If-Match; the ETag check on the response is what catches it (as for a whole GET).
        var bucket = await s3rver.CreateBucketAsync();
        var first = await s3rver.PutAsync(bucket, "a.csv", "first version of the object"u8.ToArray());
        await s3rver.PutAsync(bucket, "a.csv", "second, different version"u8.ToArray());
        using var s3 = Client();
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<S3TransferException>(() =>
            source.OpenRangeAsync(new S3ObjectPointer(bucket, "a.csv", ETag: first.ETag.Trim('"')), 5, 5, default));

        Assert.False(ex.IsTransient);
        Assert.Contains("overwritten since the event", ex.Message);
    }

    [Theory]
    [InlineData("v-42", "bytes=100-199")]
    [InlineData(null, "bytes=100-199")]
    public async Task Sends_the_range_with_the_version_id_or_if_match(string? versionId, string range)
    {
        const string md5 = "0123456789abcdef0123456789abcdef";
        var headers = new Dictionary<string, string> { ["ETag"] = $"\"{md5}\"", ["Content-Range"] = "bytes 100-199/1000" };
        if (versionId is not null)
        {
            headers["x-amz-version-id"] = versionId;
        }
        await using var server = new LoopbackHttpServer((_, _) => new LoopbackResponse(206, new string('x', 100), headers));
        using var s3 = S3ClientFactory.Create(AwsServiceEndpoints.FromEnvironment(k => k == EnvironmentVariables.EndpointUrl ? server.BaseUri.ToString() : null), s3rver.Credentials);
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        var bytes = await ReadAllAsync(await source.OpenRangeAsync(new S3ObjectPointer("bkt", "f.csv", versionId, md5), 100, 100, default));

        Assert.Equal(100, bytes.Length);
        var request = Assert.Single(server.Requests);
        Assert.Equal(range, request.Headers.GetValueOrDefault("Range"));
        if (versionId is not null)
        {
            Assert.Contains($"versionId={versionId}", request.PathAndQuery);
            Assert.False(request.Headers.ContainsKey("If-Match"));
        }
        else
        {
            Assert.Equal($"\"{md5}\"", request.Headers.GetValueOrDefault("If-Match"));
        }
    }

    [Fact]
    public async Task A_served_range_other_than_the_one_asked_for_is_refused()
    {
        // s3rver answers "bytes=0-0" with the object from byte 0 to its end (its Content-Range says so).
        var bucket = await s3rver.CreateBucketAsync();
        await s3rver.PutAsync(bucket, "a.csv", "abcdef"u8.ToArray());
        using var s3 = Client();
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<S3TransferException>(() => source.OpenRangeAsync(new S3ObjectPointer(bucket, "a.csv"), 0, 1, default));

        Assert.Contains("instead of bytes 0-0", ex.Message);
    }

    [Fact]
    public async Task A_server_that_ignores_the_range_is_refused()
    {
        await using var server = new LoopbackHttpServer((_, _) => new LoopbackResponse(200, "the whole object, not the range"));
        using var s3 = S3ClientFactory.Create(AwsServiceEndpoints.FromEnvironment(k => k == EnvironmentVariables.EndpointUrl ? server.BaseUri.ToString() : null), s3rver.Credentials);
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<S3TransferException>(() => source.OpenRangeAsync(new S3ObjectPointer("bkt", "f.csv"), 4, 3, default));

        Assert.False(ex.IsTransient);
        Assert.Contains("ignored the Range header", ex.Message);
    }
}
