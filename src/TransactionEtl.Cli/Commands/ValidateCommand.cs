using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl validate FILE</c>: a dry run of the engine, no database. Prints what loading would do (counts, reasons
/// by code, the first rejected rows) and exits 0 when the file would load, 2 when it would be rejected, 1 on
/// usage or I/O errors.
/// </summary>
internal sealed class ValidateCommand : Command
{
    /// <summary>Work shorter than this gets no progress bar: it would only flicker.</summary>
    private static readonly TimeSpan ProgressDelay = TimeSpan.FromSeconds(1);

    private readonly CliEnvironment _environment;

    private readonly Argument<string> _file = new("FILE") { Description = "The CSV file to check (a ZIP archive: each of its *.csv members)." };

    private readonly Option<string?> _contract = CommonOptions.Contract();

    private readonly Option<bool> _json = new("--json")
    {
        Description = "Print the summary as JSON (the same object the loader and the Lambda return) with the rejected rows the text lists (rejected_rows, see --show), and no progress bar.",
    };

    private readonly Option<decimal?> _maxRejectedRatio = CommonOptions.MaxRejectedRatio();

    private readonly Option<bool> _noDuplicateCheck = new("--no-duplicate-check")
    {
        Description = "Skip the in-file duplicate transaction_id check. The check keeps up to 16 MiB of ids in memory and sorts the rest through a temporary file (deleted after), so memory stays flat; without it no temporary file is written. The loader checks duplicates in SQL either way.",
    };

    private readonly Option<int> _show = new Option<int>("--show")
    {
        HelpName = "N",
        Description = "How many rejected rows to print, in the text and in --json's rejected_rows.",
        DefaultValueFactory = _ => 20,
    }.Number().Check(value => value < 0 ? "--show must be 0 or more" : null);

    private readonly Option<bool> _failOnRejects = CommonOptions.FailOnRejects();

    private readonly Option<string?> _delimiter = CommonOptions.Delimiter();

    private readonly Option<string?> _encoding = CommonOptions.Encoding();

    private readonly Option<long?> _maxDecompressedBytes = CommonOptions.MaxDecompressedBytes();

    private readonly Option<int?> _maxDecompressionRatio = CommonOptions.MaxDecompressionRatio();

    public ValidateCommand(CliEnvironment environment)
        : base("validate", "Check a CSV file against the contract without a database: what loading would do.")
    {
        _environment = environment;
        Arguments.Add(_file);
        Options.Add(_contract);
        Options.Add(_delimiter);
        Options.Add(_encoding);
        Options.Add(_json);
        Options.Add(_maxRejectedRatio);
        Options.Add(_noDuplicateCheck);
        Options.Add(_show);
        Options.Add(_failOnRejects);
        Options.Add(_maxDecompressedBytes);
        Options.Add(_maxDecompressionRatio);
        SetAction((parse, cancellationToken) => ExecuteAsync(
            new Settings
            {
                File = parse.GetValue(_file)!,
                Contract = parse.GetValue(_contract),
                Json = parse.GetValue(_json),
                MaxRejectedRatio = parse.GetValue(_maxRejectedRatio),
                NoDuplicateCheck = parse.GetValue(_noDuplicateCheck),
                Show = parse.GetValue(_show),
                FailOnRejects = parse.GetValue(_failOnRejects),
                Delimiter = parse.GetValue(_delimiter),
                Encoding = parse.GetValue(_encoding),
                MaxDecompressedBytes = parse.GetValue(_maxDecompressedBytes) ?? ProcessingOptions.DefaultMaxDecompressedBytes,
                MaxDecompressionRatio = parse.GetValue(_maxDecompressionRatio) ?? ProcessingOptions.DefaultMaxDecompressionRatio,
            },
            cancellationToken));
    }

    internal sealed class Settings
    {
        public string File { get; init; } = "";

        public string? Contract { get; init; }

        public bool Json { get; init; }

        public decimal? MaxRejectedRatio { get; init; }

        public bool NoDuplicateCheck { get; init; }

        public int Show { get; init; }

        public bool FailOnRejects { get; init; }

        public string? Delimiter { get; init; }

        public string? Encoding { get; init; }

        public long MaxDecompressedBytes { get; init; }

        public int MaxDecompressionRatio { get; init; }
    }

    private async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        string path = Path.Combine(_environment.CurrentDirectory, settings.File);
        if (!System.IO.File.Exists(path))
        {
            throw new TransactionEtlException($"{settings.File}: file not found");
        }
        var contract = CommonOptions.LoadContract(settings.Contract, settings.Delimiter, settings.Encoding, _environment);
        if (ZipMembers.IsArchive(path))
        {
            return await ValidateArchiveAsync(path, contract, settings, cancellationToken);
        }

        var sink = new ValidateSink(settings.Show);
        var result = await ProcessAsync(path, contract, sink, settings, cancellationToken);
        var summary = FileSummary.ForDryRun(settings.File, result);
        Print(settings, contract, result, summary, sink);
        return LocalFileLoad.ExitCode([summary], settings.FailOnRejects);
    }

    /// <summary>
    /// A ZIP archive: each *.csv member checked as a file of its own (<c>FILE!member.csv</c>), one report (or JSON
    /// object) after another, as <c>run</c> would load them; other members are named in a warning and skipped.
    /// </summary>
    private async Task<int> ValidateArchiveAsync(string path, Contract contract, Settings settings, CancellationToken cancellationToken)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        var members = zip.Entries.Where(ZipMembers.IsCsv).ToList();
        if (members.Count == 0)
        {
            throw new TransactionEtlException($"{settings.File}: the ZIP archive holds no *.csv member, so there is nothing to check");
        }
        var others = zip.Entries.Where(e => e.Name.Length > 0 && !ZipMembers.IsCsv(e)).Select(e => e.FullName).ToList();
        if (others.Count > 0 && !settings.Json)
        {
            _environment.Error.WriteLine($"warning: {settings.File}: skipped {others.Count} member(s) that are not *.csv: {string.Join(", ", others)}");
        }
        var summaries = new List<FileSummary>(members.Count);
        foreach (var entry in members)
        {
            var sink = new ValidateSink(settings.Show);
            await using var content = ZipMembers.Open(entry, settings.MaxDecompressedBytes, settings.MaxDecompressionRatio);
            var result = await FileProcessor.ProcessAsync(content, sink, EngineOptions(contract, settings, null), cancellationToken);
            var summary = FileSummary.ForDryRun($"{settings.File}!{entry.FullName}", result) with
            {
                Compression = ZipMembers.Compression,
                BytesDecompressed = ZipMembers.BytesRead(content),
            };
            Print(settings, contract, result, summary, sink);
            summaries.Add(summary);
        }
        return LocalFileLoad.ExitCode(summaries, settings.FailOnRejects);
    }

    private void Print(Settings settings, Contract contract, FileResult result, FileSummary summary, ValidateSink sink)
    {
        var output = _environment.Output;
        if (settings.Json)
        {
            ValidateJsonWriter.Write(output.Profile.Out.Writer, summary, sink.FirstRejected);
        }
        else if (!_environment.Quiet)
        {
            PrintReport(output, contract, result, summary, sink.FirstRejected);
        }
    }

    private static ProcessingOptions EngineOptions(Contract contract, Settings settings, Action<long>? progress) => new()
    {
        Contract = contract,
        DetectDuplicatesInMemory = !settings.NoDuplicateCheck,
        MaxRejectedRatio = settings.MaxRejectedRatio,
        MaxDecompressedBytes = settings.MaxDecompressedBytes,
        MaxDecompressionRatio = settings.MaxDecompressionRatio,
        Progress = progress,
    };

    /// <summary>Runs the engine over the file; a run longer than <see cref="ProgressDelay"/> shows a progress bar where the environment allows one.</summary>
    private async Task<FileResult> ProcessAsync(string path, Contract contract, ValidateSink sink, Settings settings, CancellationToken cancellationToken)
    {
        long bytesRead = 0;
        var options = EngineOptions(contract, settings, b => Volatile.Write(ref bytesRead, b));
        // Reads on the engine's thread, not a thread-pool hand-off per 64 KiB (InlineReadStream says why).
        await using var input = new InlineReadStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
        long size = input.Length;
        var work = Task.Run(() => FileProcessor.ProcessAsync(input, sink, options, cancellationToken), cancellationToken);

        if (_environment.ShowsProgress(settings.Json) && await Task.WhenAny(work, Task.Delay(ProgressDelay, cancellationToken)) != work)
        {
            await _environment.Output.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask(Visible.Markup(Path.GetFileName(path)), maxValue: Math.Max(size, 1));
                    while (!work.IsCompleted)
                    {
                        task.Value = Volatile.Read(ref bytesRead);
                        await Task.WhenAny(work, Task.Delay(200, cancellationToken));
                    }
                    task.Value = task.MaxValue;
                });
        }
        return await work;
    }

    private static void PrintReport(IAnsiConsole output, Contract contract, FileResult result, FileSummary summary, IReadOnlyList<RejectedRow> firstRejected)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(Visible.Text($"File:       {summary.File} ({result.Bytes.ToString("N0", inv)} bytes, sha256 {result.Sha256})"));
        output.WriteLine(Visible.Text($"Contract:   {contract.Name} {contract.Version} ({contract.Source})"));
        string verdict = summary.Status == FileStatus.Rejected
            ? "would be REJECTED (nothing would be loaded)"
            : $"would load {summary.RowsLoaded.ToString("N0", inv)} row(s)";
        output.WriteLine($"Status:     {summary.Status}: {verdict}");
        if (summary.Error is not null)
        {
            output.WriteLine(Visible.Text($"Reason:     {summary.Error}"));
        }
        output.WriteLine(string.Create(inv,
            $"Rows:       {result.RowsTotal:N0} total, {result.RowsValid:N0} valid, {result.RowsRejected:N0} rejected, {result.BlankLines:N0} blank line(s) skipped"));
        double seconds = Math.Max(result.Duration.TotalSeconds, 1e-6);
        output.WriteLine(string.Create(inv,
            $"Throughput: {result.RowsTotal / seconds:N0} rows/s, {result.Bytes / seconds / (1024 * 1024):N1} MiB/s ({result.Duration.TotalMilliseconds:N0} ms)"));
        foreach (var warning in result.Warnings)
        {
            output.WriteLine(Visible.Text($"Warning:    {warning}"));
        }
        if (summary.RejectReasons.Count > 0)
        {
            // Errors, not rows: a row with a bad amount and a bad date counts under both codes (run's "top errors" too).
            output.WriteLine("Errors by code (a row may have several):");
            foreach (var (code, count) in summary.RejectReasons)
            {
                output.WriteLine(Visible.Text(string.Create(inv, $"  {code,-18} {count:N0}")));
            }
        }
        if (firstRejected.Count > 0)
        {
            output.WriteLine(result.RowsRejected > firstRejected.Count
                ? string.Create(inv, $"First {firstRejected.Count} of {result.RowsRejected:N0} rejected rows:")
                : "Rejected rows:");
            foreach (var row in firstRejected)
            {
                foreach (var error in row.Errors)
                {
                    string column = error.Column ?? "(row)";
                    string value = error.Value is null ? "" : $" value '{Shorten(error.Value)}':";
                    output.WriteLine(Visible.Text(string.Create(inv, $"  line {row.Line}, {column} [{error.Code}]:{value} {error.Message}")));
                }
            }
        }
    }

    private static string Shorten(string value)
    {
        string oneLine = value.ReplaceLineEndings("\\n");
        return oneLine.Length <= 80 ? oneLine : oneLine[..77] + "...";
    }
}
