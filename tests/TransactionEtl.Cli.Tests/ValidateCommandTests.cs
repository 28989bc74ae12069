using System.Text;
using System.Text.Json;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary><c>txetl validate</c> on real argv, in-process with captured stdout/stderr; no database involved.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("txetl-validate-");

    public void Dispose() => _scratch.Dispose();

    private string NewDirectory() => Directory.CreateDirectory(Path.Combine(_scratch.Path, Guid.NewGuid().ToString("N"))).FullName;

    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "Data");

    private static Task<CliResult> RunAsync(params string[] args) => CliTestHost.RunAsync(null, DataDir, args);

    private string TempCsv(string text)
    {
        string path = Path.Combine(NewDirectory(), "file.csv");
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public async Task Prints_every_reason_of_the_faulty_sample_and_exits_2()
    {
        var result = await RunAsync("validate", "faults.csv");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Contains("Status:     rejected", result.Stdout);
        Assert.Contains("Rows:       11 total, 3 valid, 8 rejected, 1 blank line(s) skipped", result.Stdout);
        Assert.Contains("8 of 11 rows rejected", result.Stdout);
        // Line 7 has two errors: the block counts errors, and says so (issue 15 item 10).
        Assert.Contains("Errors by code (a row may have several):", result.Stdout);
        Assert.Contains("Warning:    unknown column 'note' (column 11) is ignored", result.Stdout);
        foreach (var line in new[]
        {
            "line 6, timestamp [type-error]: value '2024-02-30'",
            "line 7, category [constraint-error]: value 'food'",
            "line 7, currency [constraint-error]: value 'EURO'",
            "line 8, transaction_id [primary-key]: value 'TX-0001': transaction_id 'TX-0001' repeats line 2, whose row was kept; give this row its own id or remove it.",
            "line 9, (row) [no-tax-rule]",
            "line 10, amount [missing-cell]",
            "line 11, (row) [extra-cell]: value 'extra'",
            "line 12, amount [constraint-error]: value '10.123': amount '10.123' has 3 decimals; EUR allows at most 2",
            "line 13, price_includes_tax [type-error]: value 'maybe'",
        })
        {
            Assert.Contains(line, result.Stdout);
        }
    }

    [Fact]
    public async Task Prints_the_summary_json_and_exits_0_when_the_file_would_load()
    {
        var result = await RunAsync("validate", "faults.csv", "--json", "--max-rejected-ratio", "0.9");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal("faults.csv", root.GetProperty("file").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("file_id").ValueKind);
        Assert.Equal("loaded_with_rejects", root.GetProperty("status").GetString());
        Assert.Equal(11, root.GetProperty("rows_total").GetInt64());
        Assert.Equal(3, root.GetProperty("rows_loaded").GetInt64());
        Assert.Equal(8, root.GetProperty("rows_rejected").GetInt64());
        Assert.Equal(0, root.GetProperty("rows_duplicate").GetInt64());
        Assert.Equal(1, root.GetProperty("blank_lines").GetInt64());
        Assert.Equal(5, root.GetProperty("reject_reasons").GetProperty("missing-cell").GetInt64());
        Assert.Equal("unknown column 'note' (column 11) is ignored", root.GetProperty("warnings")[0].GetString());
        Assert.Equal(64, root.GetProperty("sha256").GetString()!.Length);
        Assert.True(root.TryGetProperty("duration_ms", out _));
        Assert.DoesNotContain("\u001b[", result.Stdout);
    }

    [Fact]
    public async Task Json_lists_the_rejected_rows_the_text_shows()
    {
        var text = await RunAsync("validate", "faults.csv", "--show", "3");
        var result = await RunAsync("validate", "faults.csv", "--json", "--show", "3");

        Assert.Equal(2, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.GetProperty("rejected_rows").EnumerateArray().ToList();
        Assert.Equal([6L, 7L, 8L], rows.Select(r => r.GetProperty("line").GetInt64()));
        foreach (var row in rows)
        {
            Assert.Contains($"  line {row.GetProperty("line").GetInt64()}, ", text.Stdout);
        }
        Assert.Equal("TX-0001,2024-03-04,ACC-1,Repeat,groceries,1.00,EUR,DE,,,primary-key",
            rows[2].GetProperty("raw_record").GetString());
        var currency = rows[1].GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("column").GetString() == "currency");
        Assert.Equal("constraint-error", currency.GetProperty("code").GetString());
        Assert.Equal("EURO", currency.GetProperty("value").GetString());
        Assert.NotEmpty(currency.GetProperty("message").GetString()!);
        // The summary's fields are still there, as before.
        Assert.Equal(8, json.RootElement.GetProperty("rows_rejected").GetInt64());
    }

    [Fact]
    public async Task Leaves_duplicates_alone_with_no_duplicate_check()
    {
        var result = await RunAsync("validate", "faults.csv", "--json", "--no-duplicate-check", "--max-rejected-ratio", "1");
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.False(json.RootElement.GetProperty("reject_reasons").TryGetProperty("primary-key", out _));
        Assert.Equal(4, json.RootElement.GetProperty("rows_loaded").GetInt64());
    }

    [Fact]
    public async Task Exits_0_for_a_clean_file()
    {
        string path = TempCsv("transaction_id,timestamp,account_id,category,amount,currency,country\nA,2024-01-01,X,books,1.00,EUR,DE\n");
        var result = await RunAsync("validate", path);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Status:     loaded: would load 1 row(s)", result.Stdout);
    }

    [Fact]
    public async Task Exits_2_with_the_reason_for_a_file_level_error()
    {
        string path = TempCsv("transaction_id,amount\nA,1\n");
        var result = await RunAsync("validate", path, "--json");
        Assert.Equal(2, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("rejected", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("reject_reasons").GetProperty("missing-label").GetInt64());
        Assert.Contains("timestamp", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Reads_a_gzip_file_named_csv_as_gzip_with_the_plain_files_outcome()
    {
        // Issue 15 item 6 named gzip before any "not valid UTF-8"; since issue 17 a gzip file is read, whatever its name.
        string path = Path.Combine(NewDirectory(), "export.csv");
        using (var gzip = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write(File.ReadAllBytes(Path.Combine(DataDir, "faults.csv")));
        }

        var plain = await RunAsync("validate", "faults.csv", "--json", "--max-rejected-ratio", "0.9");
        var json = await RunAsync("validate", path, "--json", "--max-rejected-ratio", "0.9");
        using var plainDoc = JsonDocument.Parse(plain.Stdout);
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal("gzip", doc.RootElement.GetProperty("compression").GetString());
        Assert.Equal(new FileInfo(Path.Combine(DataDir, "faults.csv")).Length, doc.RootElement.GetProperty("bytes_decompressed").GetInt64());
        foreach (var count in new[] { "status", "rows_total", "rows_rejected", "reject_reasons", "rejected_rows" })
        {
            Assert.Equal(plainDoc.RootElement.GetProperty(count).GetRawText(), doc.RootElement.GetProperty(count).GetRawText());
        }
    }

    [Fact]
    public async Task Names_windows_1252_and_the_option_that_reads_it_which_then_works()
    {
        string path = Path.Combine(NewDirectory(), "export.csv");
        var windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        File.WriteAllBytes(path, windows1252.GetBytes(
            "transaction_id,timestamp,account_id,merchant,category,amount,currency,country\n" +
            "TX-1,2024-03-01T10:00:00Z,ACC-1,Caf\u00e9 M\u00fcller,restaurants,10.00,EUR,DE\n"));

        var guessed = await RunAsync("validate", path, "--json");
        Assert.Equal(2, guessed.ExitCode);
        using (var doc = JsonDocument.Parse(guessed.Stdout))
        {
            Assert.StartsWith("the file is probably windows-1252 (or Latin-1), not UTF-8: its bytes read as 'Caf\u00e9 M\u00fcller' that way; use --encoding windows-1252",
                doc.RootElement.GetProperty("error").GetString());
        }

        var told = await RunAsync("validate", path, "--encoding", "windows-1252");
        Assert.Equal(0, told.ExitCode);
    }

    [Fact]
    public async Task Uses_the_contract_named_on_the_command_line()
    {
        string dir = NewDirectory();
        File.WriteAllText(Path.Combine(dir, "c.json"), """{ "name": "pairs", "version": "1", "fields": [ { "name": "k", "constraints": { "required": true } }, { "name": "v", "type": "integer" } ] }""");
        File.WriteAllText(Path.Combine(dir, "f.csv"), "k,v\na,1\nb,x\n");
        var result = await CliTestHost.RunAsync(null, dir, "validate", "f.csv", "--contract", "c.json", "--max-rejected-ratio", "0.5");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Contract:   pairs 1", result.Stdout);
        Assert.Contains("line 3, v [type-error]: value 'x'", result.Stdout);
    }

    [Fact]
    public async Task Exits_1_with_one_line_on_stderr_for_a_broken_contract()
    {
        string dir = NewDirectory();
        File.WriteAllText(Path.Combine(dir, "c.json"), """{ "name": "bad", "version": "1", "fields": [ { "name": "k", "constraints": { "pattern": "([" } } ] }""");
        File.WriteAllText(Path.Combine(dir, "f.csv"), "k\na\n");
        var result = await CliTestHost.RunAsync(null, dir, "validate", "f.csv", "--contract", "c.json");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("txetl: error: ", result.Stderr);
        Assert.Contains("fields[0].constraints.pattern: invalid regex", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Exits_1_when_the_file_does_not_exist()
    {
        var result = await RunAsync("validate", "missing.csv");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("txetl: error: missing.csv: file not found", result.Stderr.Trim());
    }

    [Fact]
    public async Task Exits_64_on_usage_errors()
    {
        Assert.Equal(64, (await RunAsync("validate")).ExitCode);
        Assert.Equal(64, (await RunAsync("validate", "faults.csv", "--max-rejected-ratio", "2")).ExitCode);
    }

    // Issue 15 item 8: one file in another dialect, without writing a second contract.
    [Fact]
    public async Task Delimiter_and_encoding_override_the_contracts_dialect_for_one_run()
    {
        var text = "transaction_id;timestamp;account_id;merchant;category;amount;currency;country;region;price_includes_tax\n" +
            "DIA-1;2025-01-01;ACC-1;Cr\u00eaperie;books;1.00;EUR;FR;;\nDIA-2;2025-01-02;ACC-1;Caf\u00e9;books;2.00;EUR;FR;;\n";
        var path = Path.Combine(NewDirectory(), "semicolon-1252.csv");
        File.WriteAllBytes(path, CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(text));

        var asIs = await RunAsync("validate", path, "--json");
        var delimiterOnly = await RunAsync("validate", path, "--json", "--delimiter", ";");
        var both = await RunAsync("validate", path, "--json", "--delimiter", ";", "--encoding", "windows-1252");

        Assert.Equal(2, asIs.ExitCode);
        Assert.NotEqual(0, delimiterOnly.ExitCode + JsonDocument.Parse(delimiterOnly.Stdout).RootElement.GetProperty("rows_rejected").GetInt64());
        Assert.Equal(0, both.ExitCode);
        using var json = JsonDocument.Parse(both.Stdout);
        Assert.Equal("loaded", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("rows_total").GetInt64());
    }

    [Theory]
    [InlineData(64, "--delimiter", ";;")]
    [InlineData(1, "--encoding", "klingon")]
    public async Task A_bad_delimiter_is_a_usage_error_and_an_unknown_encoding_is_named(int exitCode, string option, string value)
    {
        var result = await RunAsync("validate", "faults.csv", option, value);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(value, result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    // Issue 15 item 8: -q/--quiet.
    [Theory]
    [InlineData("-q")]
    [InlineData("--quiet")]
    public async Task Quiet_prints_nothing_and_the_exit_code_tells_the_outcome(string quiet)
    {
        var sample = Path.Combine(RunTestSupport.SamplesDirectory, "transactions.csv");

        var result = await RunAsync("validate", sample, quiet, "--fail-on-rejects");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    // Issue 15 item 4: pipelines that want every row had no way to fail on a loaded_with_rejects file.
    [Fact]
    public async Task Fail_on_rejects_exits_2_for_a_file_with_rejected_rows_that_would_still_load()
    {
        var sample = Path.Combine(RunTestSupport.SamplesDirectory, "transactions.csv");

        var lenient = await RunAsync("validate", sample, "--json");
        var strict = await RunAsync("validate", sample, "--json", "--fail-on-rejects");

        Assert.Equal(0, lenient.ExitCode);
        Assert.Contains("\"loaded_with_rejects\"", strict.Stdout);
        Assert.Equal(2, strict.ExitCode);
    }

    [Fact]
    public async Task Shows_no_progress_bar_when_output_is_not_a_terminal()
    {
        var result = await RunAsync("validate", "faults.csv");
        Assert.DoesNotContain("%", result.Stdout.Split('\n').First());
        Assert.DoesNotContain("\u001b[", result.Stdout);
    }
}
