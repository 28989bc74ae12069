using System.Text;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// Issue 18 item 2: a file loaded in chunks by 4 workers ends exactly as the same file loaded single-stream, each into a
/// fresh database: every stored column (source_line included), every rejected row (line, raw text, errors), the ledger
/// row and the summary (counts, reasons, warnings, status, error); and nothing of the chunked load is left behind.
/// </summary>
public sealed class ChunkedLoadTests : IDisposable
{
    private const long ChunkBytes = 8 * 1024;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("txetl-chunked-");

    public static TheoryData<string> Scenarios =>
    [
        "clean", "rejects", "straddling-duplicates", "quoted-line-breaks", "crlf", "bom", "threshold-exceeded",
        "encoding-error-in-a-middle-chunk", "format-error-in-a-middle-chunk",
    ];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_chunked_load_ends_exactly_as_the_single_stream_load(string scenario)
    {
        var (bytes, ratio) = Build(scenario);
        var path = Write(scenario + ".csv", bytes);
        Assert.True(await ChunkedComparison.ChunkCountAsync(path, ChunkBytes) >= 8, "the file must span many chunks");

        var single = await ChunkedComparison.LoadAsync(path, null, ratio);
        var chunked = await ChunkedComparison.LoadAsync(path, ChunkBytes, ratio);

        single.AssertSame(chunked);
    }

    /// <summary>
    /// Without <see cref="TransactionEtl.Postgres.Loading.ParallelLoad"/>'s single-stream read of a file with a file-level error: the commit
    /// step alone stops at the failing chunk, numbers the error's line as the file's and keeps the rejects before it.
    /// </summary>
    [Theory]
    [InlineData("format-error-in-a-middle-chunk")]
    [InlineData("threshold-exceeded")]
    [InlineData("straddling-duplicates")]
    public async Task The_commit_step_alone_ends_as_the_single_stream_load(string scenario)
    {
        var (bytes, ratio) = Build(scenario);
        var path = Write(scenario + ".csv", bytes);

        var single = await ChunkedComparison.LoadAsync(path, null, ratio);
        var chunked = await ChunkedComparison.LoadAsync(path, ChunkBytes, ratio, stepByStep: true);

        single.AssertSame(chunked);
    }

    [Fact]
    public async Task Keys_stored_before_are_duplicates_or_conflicts_as_in_the_single_stream_load()
    {
        var lines = Lines(ChunkedComparison.Sample(1500, seed: 15));
        // The earlier file: rows 1-300 as they are (duplicate-existing later), 301-340 with other content (key-conflict).
        var changed = lines.Skip(301).Take(40).Where(Plain).Select(l => WithMerchant(l, "Changed Shop")).ToList();
        var earlier = lines.Take(301).Concat(changed);
        var before = Write("before.csv", Encoding.UTF8.GetBytes(string.Join('\n', earlier) + "\n"));
        var path = Write("after.csv", Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));

        var single = await ChunkedComparison.LoadAsync(path, null, 1m, before);
        var chunked = await ChunkedComparison.LoadAsync(path, ChunkBytes, 1m, before);

        single.AssertSame(chunked);
        Assert.Contains("\"rows_duplicate\": 300", chunked.Summary, StringComparison.Ordinal);
        Assert.Contains($"\"rows_conflicting\": {changed.Count}", chunked.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_smaller_than_one_chunk_loads_as_the_single_stream_load()
    {
        var path = Write("small.csv", Encoding.UTF8.GetBytes(ChunkedComparison.Sample(40, seed: 16, faultRate: 0.1)));
        Assert.Equal(1, await ChunkedComparison.ChunkCountAsync(path, ChunkBytes));

        var single = await ChunkedComparison.LoadAsync(path, null);
        var chunked = await ChunkedComparison.LoadAsync(path, ChunkBytes);

        single.AssertSame(chunked);
    }

    private static (byte[] Bytes, decimal? Ratio) Build(string scenario)
    {
        string Text(int seed, double faults = 0) => ChunkedComparison.Sample(1500, seed, faults);
        return scenario switch
        {
            "clean" => (Utf8(Text(11)), null),
            "rejects" => (Utf8(Text(12, 0.05)), 1m),
            "straddling-duplicates" => (Utf8(WithRepeats(Text(13, 0.01))), 1m),
            "quoted-line-breaks" => (Utf8(WithQuotedLineBreaks(Text(14, 0.02))), 1m),
            "crlf" => (Utf8(Text(17, 0.02).Replace("\n", "\r\n", StringComparison.Ordinal)), 1m),
            "bom" => ([0xEF, 0xBB, 0xBF, .. Utf8(Text(18, 0.02))], 1m),
            "threshold-exceeded" => (Utf8(WithRepeats(Text(19, 0.2))), 0.1m),
            "encoding-error-in-a-middle-chunk" => (WithByteAtLine(Text(20, 0.02), 1100, 0xFF), 1m),
            "format-error-in-a-middle-chunk" => (Utf8(WithLine(Text(21, 0.02), 1100, l => WithMerchant(l, "\"Bad\"x"))), 1m),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
        };
    }

    /// <summary>Exact copies of earlier rows a few hundred lines later (in other chunks): the first in file order must win.</summary>
    private static string WithRepeats(string text)
    {
        var lines = Lines(text);
        foreach (var (row, at) in new[] { (1000, 1400), (700, 1200), (400, 900), (200, 650), (5, 300), (2, 3) })
        {
            lines.Insert(at, lines[row]);
        }

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Every 7th unquoted row's merchant spans lines (LF and CRLF inside quotes), so boundaries fall near them.</summary>
    private static string WithQuotedLineBreaks(string text)
    {
        var lines = Lines(text);
        for (var i = 1; i < lines.Count; i += 7)
        {
            if (Plain(lines[i]))
            {
                lines[i] = WithMerchant(lines[i], "\"Shop\nacross, \"\"lines\"\"\r\nthree\"");
            }
        }

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The first plain row from <paramref name="line"/> on, changed.</summary>
    private static string WithLine(string text, int line, Func<string, string> change)
    {
        var lines = Lines(text);
        while (!Plain(lines[line]))
        {
            line++;
        }

        lines[line] = change(lines[line]);
        return string.Join('\n', lines) + "\n";
    }

    private static byte[] WithByteAtLine(string text, int line, byte bad)
    {
        var lines = Lines(text);
        var before = Utf8(string.Join('\n', lines.Take(line)) + "\n" + lines[line][..20]);
        var after = Utf8(lines[line][20..] + "\n" + string.Join('\n', lines.Skip(line + 1)) + "\n");
        return [.. before, bad, .. after];
    }

    /// <summary>A row of ten fields without quotes, whose fields a split on commas finds.</summary>
    private static bool Plain(string line) => !line.Contains('"', StringComparison.Ordinal) && line.Split(',').Length == 10;

    /// <summary>The <see cref="Plain"/> row with its 4th field (merchant) replaced.</summary>
    private static string WithMerchant(string line, string merchant)
    {
        var fields = line.Split(',');
        fields[3] = merchant;
        return string.Join(',', fields);
    }

    private static List<string> Lines(string text) => [.. text.TrimEnd('\n').Split('\n')];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
