using System.Globalization;
using System.Text.Json;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Terminal escape injection: a cell, a header name and a file name holding ESC, BEL, U+202E (right-to-left override)
/// and NUL. Every human-readable command (validate, run, report, rejects, watch, and an error on stderr) must show
/// them as text and write none of them raw; JSON keeps them exact.
/// </summary>
public sealed class TerminalEscapeTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    /// <summary>Retitles an xterm, turns what follows red, and reverses it; then a NUL.</summary>
    private const string Hostile = "\u001b]0;pwned\u0007\u001b[31m\u202Eevil\0";

    private const string Header = "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax";

    private readonly ScratchDirectory _dir = new("txetl-escape-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_human_readable_command_shows_control_and_bidi_characters_as_text_and_json_stays_exact()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(_dir.Path, "inbox")).FullName;
        var cells = Path.Combine(_dir.Path, "cells.csv");
        File.WriteAllText(cells,
            $"{Header},{Hostile[..^1]}note\n" +
            $"ESC-1,2023-10-24,ACC-1,{Hostile},groceries,10.00,EUR,DE,,,\n" +
            "ESC-2,2023-10-24,ACC-1,Shop,groceries,10.00,EUR,DE,,,\n");
        var header = Path.Combine(_dir.Path, "header.csv");
        File.WriteAllText(header, $"transaction_id,{Hostile[..^1]}\nESC-3,x\n");
        var named = Path.Combine(_dir.Path, "named\u001b[31m\u0007\u202E.csv");
        File.WriteAllText(named, "transaction_id\nESC-4\n");
        var url = db.ConnectionString;

        var outputs = new List<(string Command, CliResult Result)>
        {
            ("validate cells", await RunAsync("validate", cells, "--max-rejected-ratio", "1")),
            ("validate header", await RunAsync("validate", header)),
            ("validate missing file", await RunAsync("validate", "missing\u001b[31m\u202E.csv")),
            ("run", await RunAsync("run", cells, header, named, "--max-rejected-ratio", "1", "--database-url", url)),
            ("report", await RunAsync("report", "--database-url", url)),
            ("rejects", await RunAsync("rejects", await FileIdAsync("loaded_with_rejects"), "--database-url", url)),
            ("rejects of a rejected file", await RunAsync("rejects", await FileIdAsync("rejected"), "--database-url", url)),
            ("watch", await WatchAsync(inbox, named)),
        };

        foreach (var (command, result) in outputs)
        {
            var raw = (result.Stdout + result.Stderr).Where(IsRawControl).Select(c => $"U+{(int)c:X4}").Distinct().ToList();
            Assert.True(raw.Count == 0, $"{command} wrote {string.Join(", ", raw)} raw:\n{result.Stdout}{result.Stderr}");
        }

        var validate = outputs[0].Result.Stdout;
        Assert.Contains("\\x1b]0;pwned\\x07\\x1b[31mU+202Eevil\\0", validate, StringComparison.Ordinal);
        Assert.Contains("U+202E", outputs[3].Result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\\x1b]0;pwned", outputs[5].Result.Stdout, StringComparison.Ordinal);
        Assert.Contains("missing\\x1b[31mU+202E.csv", outputs[2].Result.Stderr, StringComparison.Ordinal);
        Assert.Contains("named\\x1b[31m\\x07U+202E.csv: rejected", outputs[7].Result.Stdout, StringComparison.Ordinal);

        var json = await RunAsync("validate", named, "--json");
        Assert.Equal(named, JsonSerializer.Deserialize(json.Stdout, FileSummaryJsonContext.Default.FileSummary)!.File);
    }

    /// <summary>A control, format (bidi, zero-width) or separator character; line ends of the output itself excepted.</summary>
    private static bool IsRawControl(char c) => c is not ('\n' or '\r') && char.GetUnicodeCategory(c) is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private Task<CliResult> RunAsync(params string[] args) => RunTestSupport.RunAsync(_dir.Path, args);

    private async Task<string> FileIdAsync(string status)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT min(file_id) FROM txetl.ingestion_files WHERE status = @s", connection);
        command.Parameters.AddWithValue("s", status);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
    }

    /// <summary>watch on a directory holding the file with the hostile name (rejected as a whole, as by run) until it is moved.</summary>
    private async Task<CliResult> WatchAsync(string inbox, string named)
    {
        File.Copy(named, Path.Combine(inbox, Path.GetFileName(named)));
        var clock = new PollClock();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var watch = RunTestSupport.RunCancellableAsync(_dir.Path, clock, stop.Token, "watch", "inbox", "--settle", "0", "--database-url", db.ConnectionString);
        for (var i = 0; i < 5 && Directory.GetFiles(inbox, "*.csv").Length > 0; i++)
        {
            await clock.NextLookAsync(watch);
        }

        await stop.CancelAsync();
        return await watch;
    }
}
