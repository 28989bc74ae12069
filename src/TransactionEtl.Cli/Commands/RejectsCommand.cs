using System.CommandLine;
using System.Globalization;
using Npgsql;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl rejects FILE_ID [--csv [--annotate] [--output FILE] | --json] [--code CODE] [--outstanding] [--limit N]
/// [--contract FILE]</c>: the rejected rows of a loaded file with every reason and whether a later file has loaded
/// their key since; or (--csv) the file's header and raw records in the contract's dialect and encoding, ready to be
/// fixed and sent again.
/// </summary>
internal sealed class RejectsCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Argument<long> _fileId = new Argument<long>("FILE_ID") { Description = "The file id shown by `txetl run` and `txetl report`." }.Number();

    private readonly Option<bool> _csv = new("--csv")
    {
        Description = "Print the header and the raw rejected records in the contract's delimiter, quoting and encoding (fix them, then load the file again).",
    };

    private readonly Option<bool> _annotate = new("--annotate")
    {
        Description = "With --csv: put a _line and an _errors column first (a load ignores both as unknown columns, with a warning).",
    };

    private readonly Option<string?> _output = new("--output", "-o")
    {
        HelpName = "FILE",
        Description = "With --csv: write to FILE instead of standard output.",
    };

    private readonly Option<bool> _json = new("--json") { Description = "Print the rows as one JSON document (exact raw records, errors, key, outstanding)." };

    private readonly Option<string?> _code = new("--code")
    {
        HelpName = "CODE",
        Description = "Only rows with an error of this code (such as type-error, constraint-error, primary-key, duplicate-existing).",
    };

    private readonly Option<bool> _outstanding = new("--outstanding")
    {
        Description = "Only rows still outstanding: those whose key no file loaded since (after a resend, what is left to fix).",
    };

    private readonly Option<int?> _limit = new Option<int?>("--limit")
    {
        HelpName = "N",
        Description = "At most N rows.",
    }.Number().Check(value => value < 1 ? $"--limit must be 1 or more, got {value}." : null);

    private readonly Option<string?> _contract = CommonOptions.Contract();

    public RejectsCommand(CliEnvironment environment, GlobalOptions globals)
        : base("rejects", "Show a file's rejected rows with reasons and what is still outstanding, or export them as CSV to fix and resend.")
    {
        _environment = environment;
        Arguments.Add(_fileId);
        foreach (var option in new Option[] { _csv, _annotate, _output, _json, _code, _outstanding, _limit, _contract })
        {
            Options.Add(option);
        }
        SetAction((parse, cancellationToken) => ExecuteAsync(globals.Fill(ReadSettings(parse), parse), cancellationToken));
    }

    internal sealed class Settings : GlobalSettings
    {
        public long FileId { get; init; }

        public bool Csv { get; init; }

        public bool Annotate { get; init; }

        public string? Output { get; init; }

        public bool Json { get; init; }

        public string? Code { get; init; }

        public bool Outstanding { get; init; }

        public int? Limit { get; init; }

        public string? Contract { get; init; }
    }

    private Settings ReadSettings(ParseResult parse)
    {
        var settings = new Settings
        {
            FileId = parse.GetValue(_fileId),
            Csv = parse.GetValue(_csv),
            Annotate = parse.GetValue(_annotate),
            Output = parse.GetValue(_output),
            Json = parse.GetValue(_json),
            Code = parse.GetValue(_code),
            Outstanding = parse.GetValue(_outstanding),
            Limit = parse.GetValue(_limit),
            Contract = parse.GetValue(_contract),
        };
        if (settings.Csv && settings.Json)
        {
            throw new UsageException("rejects: --csv and --json cannot be combined; choose one output.");
        }
        if (!settings.Csv && (settings.Annotate || settings.Output is not null))
        {
            throw new UsageException("rejects: --annotate and --output go with --csv.");
        }
        return settings;
    }

    private async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        var contract = CommonOptions.LoadContract(settings.Contract, _environment);
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
            RequireLoadContract(entry, contract);
            var rows = new RejectsSelection(ledger, contract, entry)
            {
                Code = settings.Code,
                OutstandingOnly = settings.Outstanding,
                Limit = settings.Limit,
            }.ReadAsync(cancellationToken);
            if (settings.Csv)
            {
                await ExportCsvAsync(settings, contract, entry, rows, cancellationToken);
            }
            else if (settings.Json)
            {
                await RejectsJsonWriter.WriteAsync(_environment.Output.Profile.Out.Writer, entry, rows, cancellationToken);
            }
            else
            {
                await PrintTableAsync(entry, contract, rows);
            }
            return ExitCodes.Ok;
        }
    }

    /// <summary>
    /// The key lookup and the CSV dialect come from the contract, so it must be the one the file was loaded with: under
    /// another, a <c>;</c> Windows-1252 file would be exported as UTF-8 with commas and could not load again.
    /// </summary>
    private static void RequireLoadContract(LedgerEntry entry, Contract contract)
    {
        if (entry.ContractName.Length > 0 && (entry.ContractName != contract.Name || entry.ContractVersion != contract.Version))
        {
            throw new UsageException(
                $"rejects: file {entry.FileId} was loaded with contract {Visible.Text(entry.ContractName)} {Visible.Text(entry.ContractVersion)}, " +
                $"not {Visible.Text(contract.Name)} {Visible.Text(contract.Version)}; pass that contract with --contract FILE.");
        }
    }

    private async Task ExportCsvAsync(Settings settings, Contract contract, LedgerEntry entry, IAsyncEnumerable<RejectListing> rows, CancellationToken cancellationToken)
    {
        var writer = new RejectsCsvWriter(contract, settings.Annotate);
        var text = _environment.Output.Profile.Out.Writer;
        if (settings.Output is null)
        {
            // Bytes, not the console's text writer: that one would encode a Windows-1252 export as UTF-8.
            await text.FlushAsync(cancellationToken);
            await writer.WriteAsync(_environment.OutputBytes, text, entry.Header, rows, cancellationToken);
            return;
        }
        var file = new FileStream(Path.GetFullPath(settings.Output, _environment.CurrentDirectory), FileMode.Create, FileAccess.Write);
        await using (file)
        {
            await writer.WriteAsync(file, text, entry.Header, rows, cancellationToken);
        }
    }

    private async Task PrintTableAsync(LedgerEntry entry, Contract contract, IAsyncEnumerable<RejectListing> rows)
    {
        var table = new Table { Border = _environment.TableBorder }.AddColumns("line", "state", "column", "code", "message", "raw record");
        var count = 0;
        var outstanding = 0;
        await foreach (var listing in rows)
        {
            count++;
            outstanding += listing.Outstanding ? 1 : 0;
            var state = listing.LoadedBy is { } by ? $"loaded by file {by}" : "outstanding";
            foreach (var (error, i) in listing.Row.Errors.Select((e, i) => (e, i)))
            {
                table.AddRow(
                    i == 0 ? listing.Row.Line.ToString(CultureInfo.InvariantCulture) : "",
                    i == 0 ? state : "",
                    Visible.Markup(error.Column ?? ""),
                    Visible.Markup(error.Code),
                    Visible.Markup(error.Message),
                    i == 0 ? Visible.Markup(listing.Row.RawRecord) : "");
            }
        }

        var file = $"file {entry.FileId} ({Visible.Markup(entry.SourceUri)}): {Visible.Markup(entry.Status)}";
        var listed = string.Create(CultureInfo.InvariantCulture, $"{count:N0} rejected row(s) listed, {outstanding:N0} outstanding");
        if (entry.Error is { } reason)
        {
            // Rejected (or failed) as a whole: the reason is the answer, and "0 rejected row(s)" alone would hide it.
            _environment.Output.MarkupLine($"{file}: {Visible.Markup(reason)}");
            if (count > 0)
            {
                _environment.Output.MarkupLine(listed);
            }
        }
        else
        {
            _environment.Output.MarkupLine($"{file}, {listed}");
        }
        if (count > 0)
        {
            _environment.Output.Write(table);
            // The hint must work when pasted: a file loaded under a contract file needs that file again.
            var contractArg = ReferenceEquals(contract, Contract.Default) ? "" : " --contract " + Visible.Markup(contract.Source);
            _environment.Output.MarkupLine(
                $"[grey]as CSV to fix and resend: txetl rejects {entry.FileId}{contractArg} --csv -o fixed.csv; afterwards --outstanding lists what is left[/]");
        }
    }
}
