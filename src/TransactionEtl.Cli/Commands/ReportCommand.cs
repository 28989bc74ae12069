using System.CommandLine;
using System.Text.Json;
using Npgsql;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Commands;

/// <summary><c>txetl report [--json] [--limit N]</c>: the file ledger, newest first.</summary>
internal sealed class ReportCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Option<bool> _json = new("--json") { Description = "Print one JSON array of ledger rows on stdout, and nothing else." };

    private readonly Option<int> _limit = new Option<int>("--limit")
    {
        HelpName = "N",
        Description = "How many of the latest files to show (default 20).",
        DefaultValueFactory = _ => 20,
    }.Number().Check(value => value < 1 ? $"--limit must be 1 or more, got {value}." : null);

    public ReportCommand(CliEnvironment environment, GlobalOptions globals)
        : base("report", "Show the file ledger: latest files, statuses, counts. Starts an existing local cluster; creates none (exit 4).")
    {
        _environment = environment;
        Options.Add(_json);
        Options.Add(_limit);
        SetAction((parse, cancellationToken) => ExecuteAsync(
            globals.Fill(new Settings { Json = parse.GetValue(_json), Limit = parse.GetValue(_limit) }, parse), cancellationToken));
    }

    internal sealed class Settings : GlobalSettings
    {
        public bool Json { get; init; }

        public int Limit { get; init; }
    }

    private async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        var connectionString = await DatabaseTarget.ConnectAsync(settings, _environment, LocalCluster.MustExist, cancellationToken);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (dataSource)
        {
            var entries = new List<LedgerEntry>();
            await foreach (var entry in new IngestionLedger(dataSource).LatestAsync(settings.Limit, cancellationToken))
            {
                entries.Add(entry);
            }

            if (settings.Json)
            {
                var writer = _environment.Output.Profile.Out.Writer;
                writer.WriteLine(ToJson(entries));
                writer.Flush();
                return ExitCodes.Ok;
            }

            if (entries.Count == 0)
            {
                _environment.Output.WriteLine("The ledger is empty: no file was loaded yet (txetl run FILE.csv).");
                return ExitCodes.Ok;
            }

            _environment.Output.Write(SummaryTable.ForLedger(entries, _environment.TableBorder));
            return ExitCodes.Ok;
        }
    }

    private static string ToJson(IEnumerable<LedgerEntry> entries)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var entry in entries)
            {
                var e = SummaryTable.ShownCounts(entry);
                json.WriteStartObject();
                json.WriteNumber("file_id", e.FileId);
                json.WriteString("source", e.SourceUri);
                json.WriteString("status", e.Status);
                WriteNullable(json, "sha256", e.Sha256);
                WriteNullable(json, "rows_total", e.RowsTotal);
                WriteNullable(json, "rows_loaded", e.RowsLoaded);
                WriteNullable(json, "rows_rejected", e.RowsRejected);
                WriteNullable(json, "rows_duplicate", e.RowsDuplicate);
                WriteNullable(json, "rows_conflicting", e.RowsConflicting);
                WriteNullable(json, "rows_updated", e.RowsUpdated);
                WriteNullable(json, "blank_lines", e.BlankLines);
                json.WriteStartObject("reject_reasons");
                foreach (var (code, count) in e.RejectReasons)
                {
                    json.WriteNumber(code, count);
                }

                json.WriteEndObject();
                json.WriteStartArray("warnings");
                foreach (var warning in e.Warnings)
                {
                    json.WriteStringValue(warning);
                }

                json.WriteEndArray();
                WriteNullable(json, "duplicate_of", e.DuplicateOf);
                json.WriteNumber("attempt", e.Attempt);
                json.WriteString("started_at", e.StartedAt);
                if (e.FinishedAt is { } finished)
                {
                    json.WriteString("finished_at", finished);
                }
                else
                {
                    json.WriteNull("finished_at");
                }

                WriteNullable(json, "error", e.Error);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteNumber(name, value.Value);
        }
    }
}
