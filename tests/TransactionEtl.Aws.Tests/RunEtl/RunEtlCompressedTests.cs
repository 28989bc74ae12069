using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using Npgsql;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.RunEtl;

/// <summary>
/// Issue 17 through RunEtl: a <c>.csv.gz</c> object, and a gzip object stored with <c>Content-Encoding: gzip</c>
/// (the SDK hands over the stored bytes either way), load from s3rver into the test PostgreSQL like the plain sample;
/// the summary names the compression and the hash is the object's.
/// </summary>
public sealed class RunEtlCompressedTests(S3rverFixture s3rver, PostgresFixture db)
    : IClassFixture<S3rverFixture>, IClassFixture<PostgresFixture>
{
    private static byte[] Gzip(byte[] text)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(text);
        }
        return output.ToArray();
    }

    /// <summary>samples/transactions.csv with ids of the test's own, so each object's rows are new.</summary>
    private static byte[] Sample(string idPrefix) => System.Text.Encoding.UTF8.GetBytes(
        File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "transactions.csv")).Replace("TX2029-", idPrefix + "-", StringComparison.Ordinal));

    [Theory]
    [InlineData("GZ", "incoming/transactions.csv.gz", null)]
    [InlineData("CE", "incoming/transactions-encoded.csv", "gzip")]
    public async Task A_gzip_object_loads_like_the_plain_sample(string idPrefix, string key, string? contentEncoding)
    {
        using var metrics = new StringWriter();
        await using var secretsManager = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(db.ConnectionString));
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secretsManager, metrics);
        var bucket = await s3rver.CreateBucketAsync("compressed");
        byte[] text = Sample(idPrefix);
        byte[] stored = Gzip(text);
        using var s3 = s3rver.CreateClient();
        using var body = new MemoryStream(stored);
        var request = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, UseChunkEncoding = false };
        if (contentEncoding is not null)
        {
            request.Headers.ContentEncoding = contentEncoding;
        }
        var put = await s3.PutObjectAsync(request);

        var response = await handler.HandleAsync(RunEtlTestHost.Event(bucket, key, put.ETag.Trim('"'), stored.Length), RunEtlTestHost.Context(), default);
        var summary = JsonDocument.Parse(response).RootElement;

        Assert.True(summary.GetProperty("status").GetString() == "loaded_with_rejects", summary.ToString());
        Assert.Equal(300, summary.GetProperty("rows_total").GetInt64());
        Assert.Equal(292, summary.GetProperty("rows_loaded").GetInt64());
        Assert.Equal("gzip", summary.GetProperty("compression").GetString());
        Assert.Equal(text.Length, summary.GetProperty("bytes_decompressed").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), summary.GetProperty("sha256").GetString());
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE '{idPrefix}-%'", connection);
        Assert.Equal(292L, await count.ExecuteScalarAsync());
    }
}
