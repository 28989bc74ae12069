using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using SharpCompress.Compressors.BZip2;
using ZstdSharp;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// Issue 17 item 1: gzip (also multi-member), zstd and bzip2 input is found by its magic bytes and read as a stream;
/// rows, rejects, their line numbers and counts are those of the plain text, while the hash and size stay those of
/// the stored bytes. Every compressed file is made here by the real codec (and the CLI tools' files in Data/).
/// </summary>
public sealed class CompressedInputTests
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "Data", "diagnosis");

    // Line 3 has an unknown currency and line 5 is blank, so rejects and their line numbers are compared too.
    private static readonly string Csv = Engine.Header + "\n"
        + Engine.Row() + "\n"
        + Engine.Row(id: "TX-2", currency: "XXQ") + "\n"
        + Engine.Row(id: "TX-3", merchant: "Caf\u00e9 M\u00fcller", amount: "0.30") + "\n"
        + "\n"
        + Engine.Row(id: "TX-4", amount: "1234.56") + "\n";

    public static TheoryData<string> Formats => new() { "gzip", "zstd", "bzip2" };

    internal static byte[] Compress(string format, byte[] text)
    {
        var output = new MemoryStream();
        using (Stream encoder = format switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "zstd" => new CompressionStream(output, level: 3, leaveOpen: true),
            "bzip2" => BZip2Stream.Create(output, SharpCompress.Compressors.CompressionMode.Compress, decompressConcatenated: false, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        })
        {
            encoder.Write(text);
        }
        return output.ToArray();
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_compressed_file_gives_the_rows_rejects_and_lines_of_its_text(string format)
    {
        byte[] text = Encoding.UTF8.GetBytes(Csv);
        byte[] stored = Compress(format, text);
        var (plain, plainSink) = await Engine.RunAsync(text);
        var (result, sink) = await Engine.RunAsync(stored);

        Assert.Null(result.ErrorCode);
        Assert.Equal((4, 3, 1, 1), (result.RowsTotal, result.RowsValid, result.RowsRejected, result.BlankLines));
        Assert.Equal(plainSink.Valid.Select(v => (v.Line, v.Raw, v.Key)), sink.Valid.Select(v => (v.Line, v.Raw, v.Key)));
        Assert.Equal(plainSink.Rejected.Select(r => (r.Line, r.RawRecord)), sink.Rejected.Select(r => (r.Line, r.RawRecord)));
        Assert.Equal(3, sink.Rejected.Single().Line);
        Assert.Equal(plain.RejectReasons, result.RejectReasons);
        // The ledger's identity is the file as sent: hash and size of the compressed bytes.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), result.Sha256);
        Assert.Equal(stored.Length, result.Bytes);
        Assert.Equal(format, result.Compression);
        Assert.Equal(text.Length, result.BytesDecompressed);
        Assert.Null(plain.Compression);
        Assert.Null(plain.BytesDecompressed);
    }

    [Theory]
    [InlineData("transactions.csv.zst", "zstd")]
    [InlineData("transactions.csv.bz2", "bzip2")]
    public async Task Files_made_by_the_zstd_and_bzip2_tools_are_read(string file, string format)
    {
        var (result, sink) = await Engine.RunAsync(await File.ReadAllBytesAsync(Path.Combine(DataDir, file)));
        Assert.Null(result.ErrorMessage);
        Assert.Equal(format, result.Compression);
        Assert.Equal(["TX-1", "TX-2"], sink.Valid.Select(v => v.Key));
    }

    [Fact]
    public async Task Every_member_of_a_multi_member_gzip_file_is_read()
    {
        // As `cat a.gz b.gz > c.gz` or a log shipper appending members makes it; the header is in the first member only.
        string[] lines = Csv.Split('\n');
        byte[] first = Compress("gzip", Encoding.UTF8.GetBytes(string.Join('\n', lines[..2]) + "\n"));
        byte[] second = Compress("gzip", Encoding.UTF8.GetBytes(string.Join('\n', lines[2..])));
        var (result, sink) = await Engine.RunAsync([.. first, .. second]);
        Assert.Null(result.ErrorMessage);
        Assert.Equal(4, result.RowsTotal);
        Assert.Equal(["TX-1", "TX-3", "TX-4"], sink.Valid.Select(v => v.Key));
        Assert.Equal(Encoding.UTF8.GetByteCount(Csv), result.BytesDecompressed);
    }

    [Fact]
    public async Task Every_frame_of_a_multi_frame_zstd_file_is_read()
    {
        string[] lines = Csv.Split('\n');
        byte[] first = Compress("zstd", Encoding.UTF8.GetBytes(string.Join('\n', lines[..2]) + "\n"));
        byte[] second = Compress("zstd", Encoding.UTF8.GetBytes(string.Join('\n', lines[2..])));
        var (result, sink) = await Engine.RunAsync([.. first, .. second]);
        Assert.Null(result.ErrorMessage);
        Assert.Equal(["TX-1", "TX-3", "TX-4"], sink.Valid.Select(v => v.Key));
    }

    [Fact]
    public async Task A_bad_utf8_byte_inside_gzip_is_named_by_its_decompressed_line()
    {
        byte[] text = Encoding.UTF8.GetBytes(Engine.Header + "\n" + Engine.Row() + "\n" + Engine.Row(id: "TX-2", merchant: "Caf\u00e9") + "\n");
        // Windows-1252's e-acute (0xE9) where UTF-8 has C3 A9: invalid UTF-8 on line 3 of the text.
        int at = Array.IndexOf(text, (byte)0xC3);
        byte[] broken = [.. text[..at], 0xE9, .. text[(at + 2)..]];
        var (result, _) = await Engine.RunAsync(Compress("gzip", broken));
        Assert.Equal(FileErrorCodes.EncodingError, result.ErrorCode);
        Assert.Contains("line 3", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains($"byte offset {at}", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_truncated_compressed_file_is_rejected_as_a_compression_error(string format)
    {
        var rows = string.Concat(Enumerable.Range(1, 2000).Select(i => Engine.Row(id: $"TX-{i}", amount: $"{i}.{i % 100:00}") + "\n"));
        byte[] stored = Compress(format, Encoding.UTF8.GetBytes(Engine.Header + "\n" + rows));
        byte[] truncated = stored[..(stored.Length * 2 / 3)];
        var (result, _) = await Engine.RunAsync(truncated);
        Assert.Equal(FileErrorCodes.CompressionError, result.ErrorCode);
        Assert.StartsWith($"the {format} data is corrupt or truncated", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(truncated.Length, result.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(truncated)), result.Sha256);
    }

    [Fact]
    public async Task Past_the_decompressed_size_limit_the_file_is_rejected_with_the_guard_reason()
    {
        var rows = string.Concat(Enumerable.Range(1, 5000).Select(i => Engine.Row(id: $"TX-{i}") + "\n"));
        byte[] text = Encoding.UTF8.GetBytes(Engine.Header + "\n" + rows);
        byte[] stored = Compress("zstd", text);
        var options = new ProcessingOptions { MaxDecompressedBytes = text.Length / 2 };
        var result = await FileProcessor.ProcessAsync(new MemoryStream(stored), new CollectingSink(), options, CancellationToken.None);
        Assert.Equal(FileErrorCodes.DecompressionLimit, result.ErrorCode);
        Assert.Contains("--max-decompressed-bytes", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(stored.Length, result.Bytes);
        Assert.True(FileSummary.ForDryRun("x.csv.zst", result).RejectReasons.ContainsKey(FileErrorCodes.DecompressionLimit));

        // The same file under the default limits loads whole.
        var (whole, _) = await Engine.RunAsync(stored);
        Assert.Null(whole.ErrorCode);
        Assert.Equal(5000, whole.RowsValid);
    }

    [Fact]
    public async Task The_summary_carries_the_compression_and_decompressed_size()
    {
        byte[] text = Encoding.UTF8.GetBytes(Csv);
        var (result, _) = await Engine.RunAsync(Compress("bzip2", text));
        var summary = FileSummary.ForDryRun("t.csv.bz2", result);
        Assert.Equal("bzip2", summary.Compression);
        Assert.Equal(text.Length, summary.BytesDecompressed);
        using var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(summary, FileSummaryJsonContext.Default.FileSummary));
        Assert.Equal("bzip2", json.RootElement.GetProperty("compression").GetString());
        Assert.Equal(text.Length, json.RootElement.GetProperty("bytes_decompressed").GetInt64());
    }
}
