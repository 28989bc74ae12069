using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SharpCompress.Compressors.BZip2;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 17 item 1 on real argv: gzip, zstd and bzip2 files are read by validate and run, chosen by their first bytes
/// and not their names; the summary names the compression; the ledger identity is the stored file's hash.
/// </summary>
public sealed class CompressedFilesTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _scratch = new("txetl-compressed-");

    public void Dispose() => _scratch.Dispose();

    private static byte[] SampleBytes(string idPrefix) =>
        Encoding.UTF8.GetBytes(string.Join('\n', RunTestSupport.SampleLines(idPrefix)) + "\n");

    private static byte[] Compress(string format, byte[] text)
    {
        var output = new MemoryStream();
        using (Stream encoder = format switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "zstd" => new ZstdSharp.CompressionStream(output, level: 3, leaveOpen: true),
            _ => BZip2Stream.Create(output, SharpCompress.Compressors.CompressionMode.Compress, decompressConcatenated: false, leaveOpen: true),
        })
        {
            encoder.Write(text);
        }
        return output.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_scratch.Path, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static JsonElement ValidateJson(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement;

    [Fact]
    public async Task Validate_reads_a_csv_that_is_gzip_and_a_gz_that_is_plain_by_their_bytes()
    {
        byte[] text = SampleBytes("VZ");
        string gzipNamedCsv = Write("looks-plain.csv", Compress("gzip", text));
        string plainNamedGz = Write("looks-gzip.csv.gz", text);

        var plain = ValidateJson(await RunTestSupport.RunAsync(_scratch.Path, "validate", "--json", "--show", "0", plainNamedGz));
        var gzip = ValidateJson(await RunTestSupport.RunAsync(_scratch.Path, "validate", "--json", "--show", "0", gzipNamedCsv));

        Assert.Equal("gzip", gzip.GetProperty("compression").GetString());
        Assert.Equal(text.Length, gzip.GetProperty("bytes_decompressed").GetInt64());
        Assert.False(plain.TryGetProperty("compression", out _));
        foreach (var field in new[] { "status", "rows_total", "rows_loaded", "rows_rejected", "reject_reasons" })
        {
            Assert.Equal(plain.GetProperty(field).ToString(), gzip.GetProperty(field).ToString());
        }
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(gzipNamedCsv))), gzip.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Validate_rejects_a_file_past_the_decompressed_size_limit_with_the_guard_reason()
    {
        string path = Write("big.csv.zst", Compress("zstd", SampleBytes("VL")));
        var result = await RunTestSupport.RunAsync(_scratch.Path, "validate", "--json", "--max-decompressed-bytes", "10000", path);
        Assert.Equal(2, result.ExitCode);
        var json = ValidateJson(result);
        Assert.Equal("rejected", json.GetProperty("status").GetString());
        Assert.Equal(1, json.GetProperty("reject_reasons").GetProperty("decompression-limit").GetInt64());
        Assert.Contains("decompression bomb", json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_loads_gzip_zstd_and_bzip2_files_of_a_directory_like_the_plain_file_and_once()
    {
        string dir = Path.Combine(_scratch.Path, "drop");
        Write("drop/a.csv.gz", Compress("gzip", SampleBytes("RG")));
        Write("drop/b.csv.zst", Compress("zstd", SampleBytes("RZ")));
        Write("drop/c.csv.bz2", Compress("bzip2", SampleBytes("RB")));
        Write("drop/d.csv", SampleBytes("RP"));

        var first = await RunTestSupport.RunAsync(_scratch.Path, "run", "--database-url", db.ConnectionString, "--json", dir);
        var summaries = RunTestSupport.Summaries(first.Stdout);
        Assert.Equal(["a.csv.gz", "b.csv.zst", "c.csv.bz2", "d.csv"], summaries.Select(s => Path.GetFileName(s.File)));
        Assert.Equal(["gzip", "zstd", "bzip2", null], summaries.Select(s => s.Compression));
        var plain = summaries[3];
        foreach (var s in summaries)
        {
            Assert.Equal(FileStatus.LoadedWithRejects, s.Status);
            Assert.Equal((plain.RowsTotal, plain.RowsLoaded, plain.RowsRejected), (s.RowsTotal, s.RowsLoaded, s.RowsRejected));
            Assert.Equal(plain.RejectReasons, s.RejectReasons);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, Path.GetFileName(s.File))))), s.Sha256);
        }
        Assert.Equal(SampleBytes("RG").Length, summaries[0].BytesDecompressed);

        var again = RunTestSupport.Summaries((await RunTestSupport.RunAsync(_scratch.Path, "run", "--database-url", db.ConnectionString, "--json", dir)).Stdout);
        Assert.All(again, s => Assert.Equal(FileStatus.AlreadyLoaded, s.Status));
    }

    [Theory]
    [InlineData("gz", "gzip")]
    [InlineData("zst", "zstd")]
    public async Task Sample_format_writes_the_same_rows_compressed(string format, string compression)
    {
        await RunTestSupport.RunAsync(_scratch.Path, "sample", "plain.csv", "--rows", "50", "--seed", "3");
        await RunTestSupport.RunAsync(_scratch.Path, "sample", $"packed.csv.{format}", "--rows", "50", "--seed", "3", "--format", format);
        var plain = ValidateJson(await RunTestSupport.RunAsync(_scratch.Path, "validate", "--json", "plain.csv"));
        var packed = ValidateJson(await RunTestSupport.RunAsync(_scratch.Path, "validate", "--json", $"packed.csv.{format}"));
        Assert.Equal(compression, packed.GetProperty("compression").GetString());
        Assert.Equal(new FileInfo(Path.Combine(_scratch.Path, "plain.csv")).Length, packed.GetProperty("bytes_decompressed").GetInt64());
        Assert.Equal(plain.GetProperty("rows_loaded").GetInt64(), packed.GetProperty("rows_loaded").GetInt64());
        Assert.True(new FileInfo(Path.Combine(_scratch.Path, $"packed.csv.{format}")).Length < new FileInfo(Path.Combine(_scratch.Path, "plain.csv")).Length);
    }
}
