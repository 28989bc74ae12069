using System.Text;
using System.Text.Json;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// The public csv-spectrum suite (npm package, installed by `npm ci --prefix tools/node`): every CSV must parse
/// to the values of its JSON twin. location_coordinates is skipped: its JSON is wrong upstream.
/// </summary>
public class CsvSpectrumTests
{
    private static readonly string SpectrumDir = Path.Combine(RepoRoot.Path, "tools", "node", "node_modules", "csv-spectrum");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var csv in Directory.GetFiles(Path.Combine(SpectrumDir, "csvs"), "*.csv").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(csv);
            if (name != "location_coordinates")
            {
                data.Add(name);
            }
        }
        return data;
    }

    [Fact]
    public void The_suite_is_installed_and_complete()
    {
        Assert.True(Directory.Exists(SpectrumDir), $"csv-spectrum not found at {SpectrumDir}; run `npm ci --prefix tools/node`");
        Assert.Equal(11, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Parses_to_the_expected_values(string name)
    {
        byte[] csv = await File.ReadAllBytesAsync(Path.Combine(SpectrumDir, "csvs", name + ".csv"));
        using var expected = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(SpectrumDir, "json", name + ".json")));
        string header = Encoding.UTF8.GetString(csv).Split('\n')[0].TrimEnd('\r');
        var columns = header.Split(',');

        // A contract that takes every column as plain text, with no normalization and no missing values, so what
        // comes out is exactly what the reader parsed.
        string fields = string.Join(",", columns.Select(c => $$"""{ "name": "{{c}}", "type": "string" }"""));
        var contract = Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(
            $$"""{ "name": "spectrum", "version": "1", "missingValues": [], "fields": [{{fields}}] }""")), name, null);

        var (result, sink) = await Engine.RunAsync(csv, contract);

        Assert.Null(result.ErrorCode);
        Assert.Empty(sink.Rejected);
        var rows = expected.RootElement.EnumerateArray().ToList();
        Assert.Equal(rows.Count, sink.Valid.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < columns.Length; c++)
            {
                Assert.Equal(rows[r].GetProperty(columns[c]).GetString(), sink.Valid[r].Values[c]);
            }
        }
    }
}
