using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 17 item 1, a ZIP archive: each CSV member is a file of its own (<c>archive.zip!member.csv</c>) in the ledger,
/// the summary and the table; other members are skipped with a warning; an .xlsx (a ZIP too) is no archive; the
/// bomb guard applies to each member.
/// </summary>
public sealed class ZipArchiveTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _scratch = new("txetl-zip-");

    public void Dispose() => _scratch.Dispose();

    private static byte[] SampleBytes(string idPrefix) =>
        Encoding.UTF8.GetBytes(string.Join('\n', RunTestSupport.SampleLines(idPrefix)) + "\n");

    private string WriteZip(string name, params (string Member, byte[] Bytes)[] members)
    {
        string path = Path.Combine(_scratch.Path, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (member, bytes) in members)
            {
                using var stream = zip.CreateEntry(member, CompressionLevel.Optimal).Open();
                stream.Write(bytes);
            }
        }
        return path;
    }

    private async Task<List<(string Path, long RowsLoaded)>> LedgerAsync(string like)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT source_path, rows_loaded FROM txetl.ingestion_files WHERE source_path LIKE @p ORDER BY source_path", connection);
        command.Parameters.AddWithValue("p", like);
        var rows = new List<(string, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        return rows;
    }

    [Fact]
    public async Task Run_loads_each_csv_member_as_its_own_file_skips_the_rest_and_loads_it_once()
    {
        byte[] a = SampleBytes("ZA");
        byte[] b = SampleBytes("ZB");
        WriteZip("drop/x.zip", ("a.csv", a), ("README.txt", "read me"u8.ToArray()), ("sub/", []), ("sub/B.CSV", b));
        File.WriteAllBytes(Path.Combine(_scratch.Path, "drop", "d.csv"), SampleBytes("ZP"));
        string dir = Path.Combine(_scratch.Path, "drop");

        var first = await RunTestSupport.RunAsync(_scratch.Path, "run", "--database-url", db.ConnectionString, "--json", dir);
        var summaries = RunTestSupport.Summaries(first.Stdout);
        var plain = summaries[0];
        Assert.Equal(Path.Combine(dir, "d.csv"), plain.File);
        summaries.RemoveAt(0);
        Assert.Equal([Path.Combine(dir, "x.zip") + "!a.csv", Path.Combine(dir, "x.zip") + "!sub/B.CSV"], summaries.Select(x => x.File));
        Assert.All(summaries, x => Assert.Equal("zip", x.Compression));
        Assert.All(summaries, x => Assert.Equal((plain.Status, plain.RowsTotal, plain.RowsLoaded, plain.RowsRejected), (x.Status, x.RowsTotal, x.RowsLoaded, x.RowsRejected)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(a)), summaries[0].Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(b)), summaries[1].Sha256);
        Assert.Equal(a.Length, summaries[0].BytesDecompressed);
        Assert.Contains(summaries[0].Warnings, w => w.Contains("README.txt", StringComparison.Ordinal));

        string archive = Path.Combine(dir, "x.zip");
        Assert.Equal([($"{archive}!a.csv", plain.RowsLoaded), ($"{archive}!sub/B.CSV", plain.RowsLoaded)], await LedgerAsync($"{archive}!%"));

        var again = RunTestSupport.Summaries((await RunTestSupport.RunAsync(_scratch.Path, "run", "--database-url", db.ConnectionString, "--json", archive)).Stdout);
        Assert.Equal(2, again.Count);
        Assert.All(again, x => Assert.Equal(FileStatus.AlreadyLoaded, x.Status));
    }

    [Fact]
    public async Task An_xlsx_shaped_zip_is_not_an_archive_of_members()
    {
        string book = WriteZip("book.zip",
            ("[Content_Types].xml", "<Types/>"u8.ToArray()), ("xl/workbook.xml", "<workbook/>"u8.ToArray()), ("sheet.csv", SampleBytes("ZX")));
        string archive = WriteZip("plain.zip", ("only.csv", SampleBytes("ZY")));

        var summaries = RunTestSupport.Summaries(
            (await RunTestSupport.RunAsync(_scratch.Path, "run", "--database-url", db.ConnectionString, "--json", book, archive)).Stdout);

        Assert.Equal([book, $"{archive}!only.csv"], summaries.Select(x => x.File));
        Assert.Equal(FileStatus.Rejected, summaries[0].Status);
        Assert.Contains("sheet", summaries[0].Error, StringComparison.Ordinal); // read as a workbook (an empty one), not unpacked
        Assert.Equal(FileStatus.LoadedWithRejects, summaries[1].Status);
    }

    [Fact]
    public async Task A_member_bomb_is_rejected_with_the_guard_reason()
    {
        var text = new StringBuilder(string.Join('\n', RunTestSupport.SampleLines("ZZ")) + "\n");
        while (text.Length < 4_000_000)
        {
            text.Append("ZZ-filler,filler,filler,filler\n");
        }
        string archive = WriteZip("bomb.zip", ("bomb.csv", Encoding.UTF8.GetBytes(text.ToString())));

        var result = await RunTestSupport.RunAsync(_scratch.Path, "run", "--database-url", db.ConnectionString, "--json",
            "--max-decompression-ratio", "20", archive);

        var summary = Assert.Single(RunTestSupport.Summaries(result.Stdout));
        Assert.Equal($"{archive}!bomb.csv", summary.File);
        Assert.Equal(FileStatus.Rejected, summary.Status);
        Assert.Equal(1, summary.RejectReasons["decompression-limit"]);
        Assert.Contains("decompression bomb", summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, summary.RowsLoaded);
    }

    [Fact]
    public async Task Validate_checks_each_csv_member_of_an_archive()
    {
        WriteZip("v.zip", ("a.csv", SampleBytes("VA")), ("notes.md", "x"u8.ToArray()), ("b.csv", "transaction_id\nonly-an-id\n"u8.ToArray()));

        var result = await RunTestSupport.RunAsync(_scratch.Path, "validate", "--show", "0", "v.zip");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("File:       v.zip!a.csv", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("File:       v.zip!b.csv", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("notes.md", result.Stderr, StringComparison.Ordinal);
    }
}
