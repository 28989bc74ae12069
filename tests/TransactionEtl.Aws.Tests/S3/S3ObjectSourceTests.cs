using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.S3;
using TransactionEtl.Aws.S3.Internal;
using TransactionEtl.Testing;
using Xunit.Abstractions;

namespace TransactionEtl.Aws.Tests.S3;

/// <summary>
/// Reading objects from a real s3rver. Runs alone: the large-object test measures allocations with process-wide
/// GC counters, so test classes running in parallel in the same process count against its bound (it failed
/// with 18 MB against 8 MB in a run on a machine busy with a second test run).
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class S3ObjectSourceTests(S3rverFixture s3rver, ITestOutputHelper output) : IClassFixture<S3rverFixture>
{
    private IAmazonS3 Client() =>
        S3ClientFactory.Create(AwsServiceEndpoints.FromEnvironment(k => s3rver.Environment.GetValueOrDefault(k)), s3rver.Credentials);

    [Fact]
    public async Task Streams_the_object_named_by_the_event()
    {
        var bucket = await s3rver.CreateBucketAsync();
        var content = "transaction_id,amount\nT1,10.00\n"u8.ToArray();
        var put = await s3rver.PutAsync(bucket, "incoming/with space+plus ü.csv", content);
        using var s3 = Client();
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        await using var stream = await source.OpenAsync(new S3ObjectPointer(bucket, "incoming/with space+plus ü.csv", ETag: put.ETag.Trim('"')), default);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.Equal(content, copy.ToArray());
        Assert.Equal(content.Length, stream.ContentLength);
        Assert.False(stream.CanSeek);
    }

    [Fact]
    public async Task Refuses_an_object_overwritten_since_the_event_when_the_bucket_has_no_versions()
    {
        // s3rver ignores If-Match and versionId; the ETag check on the response is what catches this.
        var bucket = await s3rver.CreateBucketAsync();
        var first = await s3rver.PutAsync(bucket, "a.csv", "first"u8.ToArray());
        await s3rver.PutAsync(bucket, "a.csv", "second, different"u8.ToArray());
        using var s3 = Client();
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<S3TransferException>(() =>
            source.OpenAsync(new S3ObjectPointer(bucket, "a.csv", ETag: first.ETag.Trim('"')), default));

        Assert.False(ex.IsTransient);
        Assert.Contains("overwritten since the event", ex.Message);
        Assert.Contains($"s3://{bucket}/a.csv", ex.Message);
    }

    [Fact]
    public async Task Missing_object_is_a_permanent_error_naming_the_object()
    {
        var bucket = await s3rver.CreateBucketAsync();
        using var s3 = Client();
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<S3TransferException>(() => source.OpenAsync(new S3ObjectPointer(bucket, "nope.csv"), default));

        Assert.False(ex.IsTransient);
        Assert.Contains("NoSuchKey", ex.Message);
        Assert.Contains($"s3://{bucket}/nope.csv", ex.Message);
    }

    [Fact]
    public async Task S3rver_has_no_object_versions()
    {
        // Recorded facts about the test server (reported to the lead): it cannot enable versioning
        // (PUT ?versioning is routed as CreateBucket), returns no version id on PUT and ignores versionId
        // on GET. So version pinning is checked on the wire by the next test, not against s3rver.
        var bucket = await s3rver.CreateBucketAsync();
        using var s3 = s3rver.CreateClient();
        var ex = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        }));
        output.WriteLine($"PutBucketVersioning: HTTP {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}");
        var put = await s3rver.PutAsync(bucket, "v.csv", "x"u8.ToArray());
        Assert.Null(put.VersionId);
        using var got = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "v.csv", VersionId = "no-such-version" });
        Assert.Equal(1, got.ContentLength);
    }

    [Fact]
    public async Task Get_is_pinned_to_the_version_id_of_the_event()
    {
        const string body = "a,b\n1,2\n";
#pragma warning disable CA5351 // S3's ETag of a single-part object is its MD5; not a security use.
        var md5 = Convert.ToHexStringLower(MD5.HashData(System.Text.Encoding.UTF8.GetBytes(body)));
#pragma warning restore CA5351
        await using var server = new LoopbackHttpServer((_, _) => new LoopbackResponse(200, body,
            new Dictionary<string, string> { ["x-amz-version-id"] = "v-42", ["ETag"] = $"\"{md5}\"", ["Content-Type"] = "text/csv" }));
        using var s3 = S3ClientFactory.Create(AwsServiceEndpoints.FromEnvironment(k => k == EnvironmentVariables.EndpointUrl ? server.BaseUri.ToString() : null), s3rver.Credentials);
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        await using var stream = await source.OpenAsync(new S3ObjectPointer("bkt", "dir/f.csv", VersionId: "v-42", ETag: md5), default);

        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.StartsWith("/bkt/dir/f.csv?", request.PathAndQuery);
        Assert.Contains("versionId=v-42", request.PathAndQuery);
        Assert.Equal("v-42", stream.VersionId);
    }

    [Fact]
    public async Task A_different_version_served_than_asked_is_refused()
    {
        await using var server = new LoopbackHttpServer((_, _) => new LoopbackResponse(200, "x",
            new Dictionary<string, string> { ["x-amz-version-id"] = "v-newer" }));
        using var s3 = S3ClientFactory.Create(AwsServiceEndpoints.FromEnvironment(k => k == EnvironmentVariables.EndpointUrl ? server.BaseUri.ToString() : null), s3rver.Credentials);
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<S3TransferException>(() => source.OpenAsync(new S3ObjectPointer("bkt", "f.csv", VersionId: "v-1"), default));

        Assert.Contains("version v-newer instead of v-1", ex.Message);
    }

    [Fact]
    public async Task Server_errors_are_transient()
    {
        await using var server = new LoopbackHttpServer((_, _) => new LoopbackResponse(503,
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
            new Dictionary<string, string> { ["Content-Type"] = "application/xml" }));
        var config = new AmazonS3Config { ServiceURL = server.BaseUri.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 };
        using var s3 = new AmazonS3Client(s3rver.Credentials, config);
        var source = new S3ObjectSource(s3, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<S3TransferException>(() => source.OpenAsync(new S3ObjectPointer("bkt", "f.csv"), default));

        Assert.True(ex.IsTransient);
        Assert.Contains("SlowDown", ex.Message);
    }

    [Fact]
    public async Task Streams_a_large_object_with_flat_memory()
    {
        const long size = 64L * 1024 * 1024;
        var bucket = await s3rver.CreateBucketAsync();
        using var s3 = Client();
        // Written through the report writer's multipart stream: this also proves its memory stays bounded.
        var expected = await UploadPatternAsync(s3, bucket, "big.csv", size);
        // Its own client, so that every byte it takes off the socket is counted (and only those).
        var received = new ReceivedBytes();
        using var reader = Client();
        ((AmazonS3Config)reader.Config).HttpClientFactory = received;
        var source = new S3ObjectSource(reader, NullLogger.Instance);

        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        await using var stream = await source.OpenAsync(new S3ObjectPointer(bucket, "big.csv"), default);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long read = 0;
        long mostAhead = received.Count;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, n);
            read += n;
            mostAhead = Math.Max(mostAhead, received.Count - read);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"read {read} bytes; allocated {allocated} bytes; the client took at most {mostAhead} bytes off the socket ahead of the reader");
        Assert.Equal(size, read);
        Assert.Equal(expected, sha.GetHashAndReset());
        Assert.True(received.Count >= size, $"the counting connection saw {received.Count} bytes of a {size}-byte object");
        // Buffering the object would allocate at least its size; streaming allocates a small fraction.
        Assert.True(allocated < size / 8, $"allocated {allocated} bytes while reading {size}");
        // What the process holds of the body at any moment: bytes taken off the socket (response headers
        // included) but not yet handed to the reader. A source that buffered the object would be the whole
        // object ahead before the first read; a streaming one holds only its buffers.
        Assert.True(mostAhead < size / 64, $"the client was {mostAhead} bytes ahead of the reader of a {size}-byte object");
    }

    /// <summary>
    /// An HttpClient factory for the AWS SDK whose connections count the bytes they receive: how much of a body
    /// the process has taken in, whatever the process's other threads and tests do.
    /// </summary>
    private sealed class ReceivedBytes : Amazon.Runtime.HttpClientFactory
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new CountingStream(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), this);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });

        // A client cached by the SDK for an equal configuration would bypass the counting connections.
        public override bool UseSDKHttpClientCaching(Amazon.Runtime.IClientConfig clientConfig) => false;

        private void Add(int bytes) => Interlocked.Add(ref _count, bytes);

        private sealed class CountingStream(Stream inner, ReceivedBytes counter) : Stream
        {
            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                Counted(await inner.ReadAsync(buffer, cancellationToken));

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
                inner.WriteAsync(buffer, cancellationToken);

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                inner.WriteAsync(buffer, offset, count, cancellationToken);

            public override void Flush() => inner.Flush();

            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }
                base.Dispose(disposing);
            }

            private int Counted(int bytes)
            {
                counter.Add(bytes);
                return bytes;
            }
        }
    }

    private static async Task<byte[]> UploadPatternAsync(IAmazonS3 s3, string bucket, string key, long size)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var upload = new S3UploadStream(s3, bucket, key, "text/csv", NullLogger.Instance);
        var line = new byte[64];
        long written = 0;
        var i = 0;
        while (written < size)
        {
            var text = $"T{i++:D12},2026-01-01,ACC-{i % 977:D4},groceries,12.34,EUR,DE\n";
            var count = System.Text.Encoding.ASCII.GetBytes(text, line);
            count = (int)Math.Min(count, size - written);
            sha.AppendData(line, 0, count);
            await upload.WriteAsync(line.AsMemory(0, count));
            written += count;
        }
        await upload.CompleteAsync(default);
        return sha.GetHashAndReset();
    }
}
