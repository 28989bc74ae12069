using System.CommandLine;
using System.Globalization;
using Npgsql;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl rejects FILE_ID [--csv]</c>: the rejected rows of a loaded file with every reason, or (--csv)
/// the file's header and the raw records exactly as they were, ready to be fixed and sent again.
/// </summary>
internal sealed class RejectsCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Argument<long> _fileId = new Argument<long>("FILE_ID") { Description = "The file id shown by `txetl run` and `txetl report`." }.Number();

    private readonly Option<bool> _csv = new("--csv")
    {
        Description = "Print the header and the raw rejected records as CSV on stdout (fix them, then load the file again).",
    };

    public RejectsCommand(CliEnvironment environment, GlobalOptions globals)
        : base("rejects", "Show a file's rejected rows with reasons, or export them as CSV to fix and resend.")
    {
        _environment = environment;
        Arguments.Add(_fileId);
        Options.Add(_csv);
        SetAction((parse, cancellationToken) => ExecuteAsync(
            globals.Fill(new Settings { FileId = parse.GetValue(_fileId), Csv = parse.GetValue(_csv) }, parse), cancellationToken));
    }

    internal sealed class Settings : GlobalSettings
    {
        public long FileId { get; init; }

        public bool Csv { get; init; }
    }

    private async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        var connectionString = await DatabaseTarget.ConnectAsync(settings, _environment, cancellationToken);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (dataSource)
        {
            var ledger = new IngestionLedger(dataSource);
            var entry = await ledger.FindAsync(settings.FileId, cancellationToken)
                ?? throw new TransactionEtlException($"no file with id {settings.FileId} in the ledger; `txetl report` lists the files.");
            if (entry.DuplicateOf is { } original)
            {
                entry = await ledger.FindAsync(original, cancellationToken) ?? entry;
            }

            if (settings.Csv)
            {
                // Raw text straight to the writer: no markup, no wrapping, bytes as stored.
                var writer = _environment.Output.Profile.Out.Writer;
                writer.Write(string.Join(",", entry.Header.Select(CsvField)) + "\n");
                await foreach (var row in ledger.RejectedRowsAsync(entry.FileId, cancellationToken))
                {
                    writer.Write(row.RawRecord);
                    writer.Write('\n');
                }

                writer.Flush();
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("line", "column", "code", "message", "raw record");
            var count = 0;
            await foreach (var row in ledger.RejectedRowsAsync(entry.FileId, cancellationToken))
            {
                count++;
                foreach (var (error, i) in row.Errors.Select((e, i) => (e, i)))
                {
                    table.AddRow(
                        i == 0 ? row.Line.ToString(CultureInfo.InvariantCulture) : "",
                        Visible.Markup(error.Column ?? ""),
                        Visible.Markup(error.Code),
                        Visible.Markup(error.Message),
                        i == 0 ? Visible.Markup(row.RawRecord) : "");
                }
            }

            _environment.Output.MarkupLine(
                $"file {entry.FileId} ({Visible.Markup(entry.SourceUri)}): {Visible.Markup(entry.Status)}, {count} rejected row(s)");
            if (count > 0)
            {
                _environment.Output.Write(table);
                _environment.Output.MarkupLine($"[grey]as CSV to fix and resend: txetl rejects {entry.FileId} --csv > fixed.csv[/]");
            }

            return ExitCodes.Ok;
        }
    }

    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
