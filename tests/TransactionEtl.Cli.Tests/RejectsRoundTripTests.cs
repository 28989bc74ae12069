using System.Text;
using System.Text.Json;
using Npgsql;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 15 item 2: load a file with rejects, export them with <c>rejects --csv</c>, fix them in a script, resend, and
/// every original row is loaded with the source's bytes; for the default contract and for a <c>;</c> Windows-1252 one.
/// </summary>
public sealed class RejectsRoundTripTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private const string Header = "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax";

    private readonly ScratchDirectory _dir = new("txetl-rejects-roundtrip-");

    static RejectsRoundTripTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public void Dispose() => _dir.Dispose();

    /// <summary>Id, merchant (non-ASCII on purpose) and the rest of the record, with the fault the fix script repairs.</summary>
    private static (string Id, string Merchant, string Tail)[] Rows(string prefix) =>
    [
        (prefix + "-1", "Crêperie du Port", "restaurants|10.00|EUR|FR||"),
        (prefix + "-2", "Crêperie", "restaurants|1.001|EUR|FR||"),
        (prefix + "-3", "Brasserie Noël", "restaurnts|7.50|EUR|FR||"),
        (prefix + "-4", "Café \"Zoé\"| Paris", "groceries|-2.5x|EUR|FR||"),
        (prefix + "-5", "Bäckerei Müller", "books|3.00|EUR|FR||"),
    ];

    [Fact]
    public Task Rejects_round_trip_under_the_default_contract_is_byte_exact() =>
        RoundTripAsync("RTU", ',', Encoding.UTF8, contract: null, annotate: false);

    [Fact]
    public Task Rejects_round_trip_under_a_semicolon_windows_1252_contract_is_byte_exact() =>
        RoundTripAsync("RTW", ';', Encoding.GetEncoding(1252), Path.Combine(AppContext.BaseDirectory, "Data", "semicolon-1252.contract.json"), annotate: true);

    [Fact]
    public async Task Rejects_csv_on_standard_output_writes_the_bytes_of_the_contract_encoding()
    {
        // Standard output, not --output: the console's text writer would have made UTF-8 of it ("CrÃªperie" on reload).
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        var cp1252 = Encoding.GetEncoding(1252);
        var contract = Path.Combine(AppContext.BaseDirectory, "Data", "semicolon-1252.contract.json");
        var record = "STD-2;2025-01-01;ACC-1;\"Crêperie; «€»\";books;1.001;EUR;FR;;";
        var text = Header.Replace(',', ';') + "\nSTD-1;2025-01-01;ACC-1;Crêperie;books;1.00;EUR;FR;;\n" + record + "\n";
        await File.WriteAllBytesAsync(Path.Combine(work, "std.csv"), cp1252.GetBytes(text));
        var run = await CliAsync(work, ["run", "--max-rejected-ratio", "1", "--json", "std.csv", "--contract", contract]);
        var fileId = RunTestSupport.Summaries(run.Stdout)[0].FileId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var bytes = new MemoryStream();
        using var consoleText = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(consoleText), Ansi = AnsiSupport.No });
        var environment = new CliEnvironment(console, TextWriter.Null, Environment.GetEnvironmentVariable, work) { OutputBytes = bytes };
        var exit = await TxetlApp.RunAsync(["rejects", fileId, "--csv", "--contract", contract, "--database-url", db.ConnectionString], environment);

        Assert.Equal(0, exit);
        Assert.Equal(cp1252.GetBytes(Header.Replace(',', ';') + "\n" + record + "\n"), bytes.ToArray());
        Assert.Equal("", consoleText.ToString());
    }

    private async Task RoundTripAsync(string prefix, char delimiter, Encoding encoding, string? contract, bool annotate)
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        var rows = Rows(prefix);
        var lines = new[] { Header.Replace(',', delimiter) }.Concat(rows.Select(r => Record(r, delimiter))).ToArray();
        var source = encoding.GetBytes(string.Join("\n", lines) + "\n");
        await File.WriteAllBytesAsync(Path.Combine(work, prefix + ".csv"), source);
        var contractArgs = contract is null ? [] : new[] { "--contract", contract };

        // 1. load a file with rejects
        var run = await CliAsync(work, ["run", "--max-rejected-ratio", "1", "--json", prefix + ".csv", .. contractArgs]);
        var fileId = RunTestSupport.Summaries(run.Stdout)[0].FileId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, RunTestSupport.Summaries(run.Stdout)[0].RowsRejected);

        // 2. rejects --csv, as bytes in the contract's encoding
        var exported = Path.Combine(work, "rejects.csv");
        string[] exportArgs = ["rejects", fileId, "--csv", "--output", exported, .. contractArgs, .. annotate ? new[] { "--annotate" } : []];
        Assert.Equal(0, (await CliAsync(work, exportArgs)).ExitCode);
        var exportedLines = encoding.GetString(await File.ReadAllBytesAsync(exported)).Split('\n')[..^1];
        var annotation = annotate ? $"_line{delimiter}_errors{delimiter}" : "";
        Assert.Equal(annotation + lines[0], exportedLines[0]);
        var records = exportedLines[1..].Select(l => annotate ? StripAnnotation(l, delimiter) : l).ToArray();
        // Byte-faithful: every exported record is the source record's bytes.
        Assert.Equal(lines[2..5].Select(l => encoding.GetBytes(l)), records.Select(l => encoding.GetBytes(l)));
        var outstanding = await OutstandingAsync(work, fileId, contractArgs);
        Assert.Equal(new[] { prefix + "-2", prefix + "-3", prefix + "-4" }, outstanding);

        // 3. fix the rows, as a script would; 4. resend
        var fixedText = string.Join("\n", exportedLines.Select(Fix)) + "\n";
        await File.WriteAllBytesAsync(Path.Combine(work, prefix + "-fixed.csv"), encoding.GetBytes(fixedText));
        var resend = await CliAsync(work, ["run", "--json", prefix + "-fixed.csv", .. contractArgs]);
        var summary = RunTestSupport.Summaries(resend.Stdout)[0];
        Assert.Equal(3, summary.RowsLoaded);
        Assert.Equal(annotate ? 2 : 0, summary.Warnings.Count(w => w.Contains("unknown column '_", StringComparison.Ordinal)));

        // 5. every original row is loaded with the source's bytes, and none is outstanding any more
        var stored = await StoredMerchantsAsync(prefix);
        Assert.Equal(rows.Select(r => r.Id), stored.Keys.Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            var merchant = row.Merchant.Replace('|', delimiter);
            Assert.Equal(encoding.GetBytes(merchant), encoding.GetBytes(stored[row.Id]));
            // ... and those are the bytes of the source file's field (quoted as it was written there).
            Assert.True(source.AsSpan().IndexOf(encoding.GetBytes(delimiter + Field(stored[row.Id], delimiter) + delimiter)) >= 0, row.Id);
        }
        Assert.Empty(await OutstandingAsync(work, fileId, contractArgs));
    }

    private static string Record((string Id, string Merchant, string Tail) row, char delimiter)
    {
        var field = Field(row.Merchant.Replace('|', delimiter), delimiter);
        return string.Join(delimiter, row.Id, "2025-01-01", "ACC-1", field) + delimiter + row.Tail.Replace('|', delimiter);
    }

    private static string Field(string value, char delimiter) =>
        value.Contains(delimiter) || value.Contains('"') ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    /// <summary>What a user's fix script does: the faults of <see cref="Rows"/> put right, everything else untouched.</summary>
    private static string Fix(string line) =>
        line.Replace("1.001", "1.00", StringComparison.Ordinal)
            .Replace("restaurnts", "restaurants", StringComparison.Ordinal)
            .Replace("-2.5x", "2.50", StringComparison.Ordinal);

    /// <summary>The record after <c>_line</c> and <c>_errors</c> (the errors field is quoted: its messages hold spaces and may hold the delimiter).</summary>
    private static string StripAnnotation(string line, char delimiter)
    {
        var afterLine = line.IndexOf(delimiter, StringComparison.Ordinal) + 1;
        Assert.StartsWith("\"", line[afterLine..], StringComparison.Ordinal);
        var i = afterLine + 1;
        while (!(line[i] == '"' && line[i + 1] != '"'))
        {
            i += line[i] == '"' ? 2 : 1;
        }
        Assert.Equal(delimiter, line[i + 1]);
        return line[(i + 2)..];
    }

    private async Task<List<string>> OutstandingAsync(string work, string fileId, string[] contractArgs)
    {
        var result = await CliAsync(work, ["rejects", fileId, "--json", "--outstanding", .. contractArgs]);
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()!).ToList();
    }

    private async Task<Dictionary<string, string>> StoredMerchantsAsync(string prefix)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT transaction_id, merchant FROM txetl.transactions WHERE transaction_id LIKE @p", connection);
        command.Parameters.AddWithValue("p", prefix + "-%");
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            stored[reader.GetString(0)] = reader.GetString(1);
        }
        return stored;
    }

    private async Task<CliResult> CliAsync(string work, string[] args)
    {
        var result = await RunTestSupport.RunAsync(work, [.. args, "--database-url", db.ConnectionString]);
        Assert.True(result.ExitCode is 0 or 2, $"txetl {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}");
        return result;
    }
}
