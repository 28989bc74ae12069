using System.IO.Compression;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 17's first acceptance item on real argv: the same file (samples/transactions.csv, 300 rows in nine currencies
/// with JPY's 0 and KWD's 3 decimals, 8 of them rejected) as CSV, .csv.gz, .csv.zst, a ZIP member, .xlsx and .parquet,
/// each loaded by `txetl run` into a fresh database, stores the same rows and the same rejects with the same counts.
/// The .gz, .xlsx and .parquet forms are the committed samples (made by `txetl sample --format`); the .zst and the
/// ZIP are made here from the CSV.
/// </summary>
public sealed class FormatEquivalenceTests : IDisposable
{
    // Everything stored per row but the load's own facts (file_id, loaded_at) and the line (compared on its own).
    private const string StoredRows =
        "SELECT string_agg((row_to_json(t)::jsonb - 'file_id' - 'loaded_at' - 'source_line' || jsonb_build_object('line', t.source_line))::text, E'\\n' " +
        "ORDER BY t.transaction_id) FROM txetl.transactions t";

    private const string StoredRejects =
        "SELECT string_agg(r.line || ' ' || (SELECT string_agg(e->>'code' || ':' || coalesce(e->>'column', ''), ',' ORDER BY e->>'code', e->>'column') " +
        "FROM jsonb_array_elements(r.errors) e), E'\\n' ORDER BY r.line) FROM txetl.rejected_rows r";

    private readonly ScratchDirectory _scratch = new("txetl-formats-");

    public FormatEquivalenceTests() => Directory.CreateDirectory(_scratch.Path);

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_same_rows_as_csv_gz_zst_zip_xlsx_and_parquet_load_alike_into_fresh_databases()
    {
        string samples = RunTestSupport.SamplesDirectory;
        string csv = Path.Combine(samples, "transactions.csv");
        var forms = new (string Path, int LineOffset)[]
        {
            (csv, 0),
            (Path.Combine(samples, "transactions.csv.gz"), 0),
            (Zstd(csv), 0),
            (Zip(csv), 0),
            (Path.Combine(samples, "transactions.xlsx"), 0),
            // A Parquet row has no header line before it: its line is its 1-based index, one less than the CSV's.
            (Path.Combine(samples, "transactions.parquet"), 1),
        };

        var expected = await LoadAsync(forms[0].Path, 0);
        Assert.Equal((FileStatus.LoadedWithRejects, 300L, 292L, 8L), (expected.Summary.Status, expected.Summary.RowsTotal, expected.Summary.RowsLoaded, expected.Summary.RowsRejected));
        Assert.Contains("\"currency\": \"JPY\"", expected.Rows, StringComparison.Ordinal);
        Assert.Contains("\"currency\": \"KWD\"", expected.Rows, StringComparison.Ordinal);
        foreach (var (path, offset) in forms.Skip(1))
        {
            var actual = await LoadAsync(path, offset);
            Assert.Equal(
                (expected.Summary.Status, expected.Summary.RowsTotal, expected.Summary.RowsLoaded, expected.Summary.RowsRejected, expected.Summary.RowsDuplicate),
                (actual.Summary.Status, actual.Summary.RowsTotal, actual.Summary.RowsLoaded, actual.Summary.RowsRejected, actual.Summary.RowsDuplicate));
            Assert.Equal(expected.Summary.RejectReasons, actual.Summary.RejectReasons);
            Assert.Equal(expected.Rows, actual.Rows);
            Assert.Equal(expected.Rejects, actual.Rejects);
        }
    }

    /// <summary>Loads <paramref name="path"/> into a database of its own; lines are shifted by <paramref name="lineOffset"/> to the CSV's.</summary>
    private async Task<(FileSummary Summary, string Rows, string Rejects)> LoadAsync(string path, int lineOffset)
    {
        await using var database = await TestDatabase.CreateAsync();
        var result = await RunTestSupport.RunAsync(_scratch.Path, "run", "--database-url", database.ConnectionString, "--json", path);
        var summary = Assert.Single(RunTestSupport.Summaries(result.Stdout));
        Assert.True(summary.Error is null, $"{path}: {summary.Error}");
        await using var connection = await database.OpenConnectionAsync();
        string rows = await ScalarAsync(connection, StoredRows.Replace("t.source_line)", $"t.source_line + {lineOffset})", StringComparison.Ordinal));
        string rejects = await ScalarAsync(connection, StoredRejects.Replace("r.line ||", $"(r.line + {lineOffset}) ||", StringComparison.Ordinal));
        return (summary, rows, rejects);
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private string Zstd(string csv)
    {
        string path = Path.Combine(_scratch.Path, "transactions.csv.zst");
        using (var output = File.Create(path))
        using (var zstd = new ZstdSharp.CompressionStream(output, level: 3))
        {
            zstd.Write(File.ReadAllBytes(csv));
        }
        return path;
    }

    private string Zip(string csv)
    {
        string path = Path.Combine(_scratch.Path, "transactions.zip");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(csv, "transactions.csv");
        }
        return path;
    }
}
