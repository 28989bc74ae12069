using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl watch DIR</c>: the local twin of the S3 trigger. Loads the <c>*.csv</c> files in DIR, those
/// already there first, then each new one once it is completely written (<see cref="ReadyFiles"/>: no process has it
/// open for writing, its size and time unchanged for the quiet period, its <c>.done</c> marker there when markers are
/// on), and moves each to <c>DIR/processed/</c> or <c>DIR/rejected/</c> with its summary JSON beside it. A failed file
/// (one written to while it was loaded, too) stays in place and is tried again later. The ledger makes a restart safe:
/// a file loaded just before a crash, but not moved, is answered <c>already_loaded</c>. Ctrl+C stops it cleanly (exit 0).
/// Each file's contract comes from <c>DIR/contracts.json</c> when there is one (<see cref="WatchContracts"/>).
/// </summary>
internal sealed class WatchCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Argument<string> _directory = new("DIR") { Description = "The directory to watch." };

    private readonly Option<int> _pollMilliseconds = new Option<int>("--poll-ms")
    {
        HelpName = "MS",
        Description = "How often to look for files, in milliseconds (default 1000).",
        DefaultValueFactory = _ => 1000,
    }.Number().Check(value => value < 10 ? $"--poll-ms must be at least 10, got {value}." : null);

    private readonly Option<int> _settleSeconds = new Option<int>("--settle")
    {
        HelpName = "SECONDS",
        Description = "The quiet period: a file is loaded once its size and time have not changed for this long (default 5), " +
            "and no process has it open for writing. Longer than the pauses of a writer that closes the file between chunks.",
        DefaultValueFactory = _ => 5,
    }.Number().Check(value => value < 0 ? $"--settle must be 0 or more seconds, got {value}." : null);

    private readonly Option<bool> _doneMarker = new("--done-marker")
    {
        Description = "Load NAME.csv only once NAME.csv.done exists (the writer creates it when done); the marker is deleted once the file is moved.",
    };

    public WatchCommand(CliEnvironment environment, GlobalOptions globals)
        : base("watch", "Load each CSV file dropped into a directory, then move it to processed/ or rejected/.")
    {
        _environment = environment;
        var load = new LoadOptions();
        Arguments.Add(_directory);
        load.AddTo(this);
        Options.Add(_pollMilliseconds);
        Options.Add(_settleSeconds);
        Options.Add(_doneMarker);
        SetAction((parse, cancellationToken) => ExecuteAsync(
            load.Fill(globals.Fill(new Settings
            {
                Directory = parse.GetValue(_directory)!,
                PollMilliseconds = parse.GetValue(_pollMilliseconds),
                SettleSeconds = parse.GetValue(_settleSeconds),
                DoneMarker = parse.GetValue(_doneMarker),
            }, parse), parse),
            cancellationToken));
    }

    internal sealed class Settings : LoadSettings
    {
        public string Directory { get; init; } = "";

        public int PollMilliseconds { get; init; }

        public int SettleSeconds { get; init; }

        public bool DoneMarker { get; init; }
    }

    /// <summary>What every look at the directory works with.</summary>
    private sealed record Watch(
        string Directory, string Processed, string Rejected, NpgsqlDataSource DataSource, FileLoader Loader, WatchContracts Contracts, Settings Settings);

    private async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(settings.Directory, _environment.CurrentDirectory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new TransactionEtlException($"{settings.Directory}: no such directory; create it or name an existing one.");
        }

        var processed = System.IO.Directory.CreateDirectory(Path.Combine(directory, "processed")).FullName;
        var rejected = System.IO.Directory.CreateDirectory(Path.Combine(directory, "rejected")).FullName;
        var contracts = WatchContracts.Load(directory, settings, _environment);
        var dataSource = await DatabaseTarget.OpenDataSourceAsync(settings, _environment, LocalCluster.CreateIfMissing, cancellationToken);
        await using (dataSource)
        {
            var loader = new FileLoader(dataSource, _environment.Verbose ? new StderrLogger(_environment.Error) : null);
            var output = _environment.Output;
            Say(output, Visible.Text($"watching {directory} (Ctrl+C stops)"));
            var failures = await WatchUntilCancelledAsync(new Watch(directory, processed, rejected, dataSource, loader, contracts, settings), cancellationToken);
            Say(output, Visible.Text(failures == 0 ? "stopped" : $"stopped ({failures} failed attempt(s); those files are still in {directory})"));
            return ExitCodes.Ok;
        }
    }

    /// <summary>Looks at the directory every poll interval until Ctrl+C; returns how many loads failed.</summary>
    private async Task<int> WatchUntilCancelledAsync(Watch watch, CancellationToken cancellationToken)
    {
        var settings = watch.Settings;
        var ready = new ReadyFiles(watch.Directory, TimeSpan.FromSeconds(settings.SettleSeconds), settings.DoneMarker, _environment.Time,
            new OpenWriterScan(_environment.Error));
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var path in ready.Look())
                {
                    var loaded = await LoadAndMoveAsync(watch, path, cancellationToken);
                    ready.Forget(path);
                    failures += loaded ? 0 : 1;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(settings.PollMilliseconds), _environment.Time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: a load in progress was rolled back and its file left in place for next time.
        }
        return failures;
    }

    /// <summary>Loads one ready file and moves it by its outcome; false when the load failed and the file stays for a retry.</summary>
    private async Task<bool> LoadAndMoveAsync(Watch watch, string path, CancellationToken cancellationToken)
    {
        var output = _environment.Output;
        var name = Path.GetFileName(path);
        var summary = watch.Contracts.For(name) is { } contract
            ? await LocalFileLoad.LoadAsync(watch.Loader, name, path, contract, watch.Settings, null, cancellationToken)
            : watch.Contracts.Unmapped(name);
        if (summary.Status == FileStatus.Failed)
        {
            output.WriteLine(Visible.Text($"{summary.File}: failed, will retry: {summary.Error}"));
            return false;
        }

        var target = MoveWithSummary(path, summary.Status == FileStatus.Rejected ? watch.Rejected : watch.Processed, summary);
        if (watch.Settings.DoneMarker)
        {
            File.Delete(path + ReadyFiles.MarkerSuffix);
        }

        Say(output, Visible.Text(
            $"{summary.File}: {summary.Status} (file {summary.FileId}, {SummaryTable.CountsText(summary)}) -> {Path.GetRelativePath(watch.Directory, target)}"));
        SummaryTable.WriteWarnings(_environment.Error, [summary]);
        if (summary.Status == FileStatus.Rejected)
        {
            // Why, and when in UTC: someone reading the log of a long-running watch needs both without opening the JSON.
            Say(output, Visible.Text(string.Create(CultureInfo.InvariantCulture,
                $"{summary.File}: rejected at {_environment.Time.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss'Z'}: {summary.Error}")));
        }

        // The ledger shows where the file is now, not where it was dropped: report's source then opens. Not
        // cancellable: the file has moved, and a stop request must not leave the ledger pointing at the old path.
        try
        {
            await new IngestionLedger(watch.DataSource).RecordMovedAsync(SourceIdentity.ForLocalFile(path), SourceIdentity.ForLocalFile(target), CancellationToken.None);
        }
        catch (NpgsqlException ex)
        {
            // The load is committed and the file moved; only the path report shows is stale, which is no reason to stop watching.
            _environment.Error.WriteLine(Visible.Text($"{summary.File}: the ledger still shows the path before the move: {ex.Message}"));
        }
        return true;
    }

    /// <summary>A line of progress; none with --quiet, where only failures are printed (the moved files and their summary JSON tell the rest).</summary>
    private void Say(IAnsiConsole output, string line)
    {
        if (!_environment.Quiet)
        {
            output.WriteLine(line);
        }
    }

    /// <summary>Moves the file and writes NAME.summary.json beside it; never overwrites an earlier file of the same name.</summary>
    private static string MoveWithSummary(string path, string targetDirectory, FileSummary summary)
    {
        // The name as dropped, extension case included (UPPER.CSV stays UPPER.CSV).
        var name = Path.GetFileNameWithoutExtension(path);
        var extension = Path.GetExtension(path);
        var target = Path.Combine(targetDirectory, name + extension);
        for (var i = 1; File.Exists(target); i++)
        {
            target = Path.Combine(targetDirectory, string.Create(CultureInfo.InvariantCulture, $"{name}.{i}{extension}"));
        }

        File.Move(path, target);
        File.WriteAllText(Path.ChangeExtension(target, ".summary.json"), JsonSerializer.Serialize(summary, FileSummaryJsonContext.Default.FileSummary) + "\n");
        return target;
    }
}
