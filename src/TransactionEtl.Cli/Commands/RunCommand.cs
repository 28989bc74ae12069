using System.CommandLine;
using System.Text.Json;
using Npgsql;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl run PATH... [--database-url URL] [--contract FILE] [--max-rejected-ratio R] [--parallel N] [--json]</c>: loads
/// each file (a directory: its <c>*.csv</c>, sorted) exactly once; a large plain CSV file in parallel chunks. Exit 0 when every file ended loaded,
/// loaded_with_rejects or already_loaded; 2 when any was rejected (with <c>--fail-on-rejects</c>: had a rejected
/// row); 1 when any failed; 64 for a wrong command line.
/// </summary>
internal sealed class RunCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Argument<string[]> _paths = new("PATH")
    {
        Description = "CSV files, or directories whose *.csv files are loaded in name order; - reads one file from standard input.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<bool> _json = new("--json") { Description = "Print one JSON array of the per-file summaries on stdout, and nothing else." };

    private readonly Option<bool> _failOnRejects = CommonOptions.FailOnRejects();

    public RunCommand(CliEnvironment environment, GlobalOptions globals)
        : base("run", "Load CSV files into PostgreSQL, each exactly once, all or nothing.")
    {
        _environment = environment;
        var load = new LoadOptions();
        var parallel = new ParallelLoadOptions();
        Arguments.Add(_paths);
        load.AddTo(this);
        parallel.AddTo(this);
        Options.Add(_json);
        Options.Add(_failOnRejects);
        SetAction((parse, cancellationToken) => ExecuteAsync(
            load.Fill(globals.Fill(new Settings
            {
                Paths = parse.GetValue(_paths) ?? [],
                Json = parse.GetValue(_json),
                FailOnRejects = parse.GetValue(_failOnRejects),
                Parallel = parallel.Read(parse),
            }, parse), parse),
            cancellationToken));
    }

    internal sealed class Settings : LoadSettings
    {
        public IReadOnlyList<string> Paths { get; init; } = [];

        public bool Json { get; init; }

        public bool FailOnRejects { get; init; }

        public ParallelSettings Parallel { get; init; } = new();
    }

    private async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        // The connection is begun first, so that it overlaps the contract's loading (DataSourceOpening says when).
        await using var opening = DataSourceOpening.Begin(settings, _environment, LocalCluster.CreateIfMissing, cancellationToken);
        var contract = CommonOptions.LoadContract(settings.Contract, settings.Delimiter, settings.Encoding, _environment);
        if (settings.Paths.Count(p => p == StandardInput.Name) > 1)
        {
            throw new UsageException("standard input (-) can be given once.", "txetl run");
        }
        using var stdin = settings.Paths.Contains(StandardInput.Name) ? await StandardInput.CopyAsync(_environment, cancellationToken) : null;
        var files = ExpandPaths(settings.Paths, stdin);
        var dataSource = await opening.OpenAsync(cancellationToken);
        await using (dataSource)
        {
            var loads = new ParallelFileLoad(dataSource, _environment.Verbose ? new StderrLogger(_environment.Error) : null, settings.Parallel, _environment);
            var output = _environment.Output;
            var summaries = new List<FileSummary>(files.Count);
            if (_environment.ShowsProgress(settings.Json))
            {
                await output.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        foreach (var (shown, full) in files)
                        {
                            var phases = new PhaseProgress(progress, shown);
                            summaries.AddRange(await loads.LoadAsync(shown, full, contract, settings, phases.Report, cancellationToken));
                            phases.Finish();
                        }
                    });
            }
            else
            {
                foreach (var (shown, full) in files)
                {
                    summaries.AddRange(await loads.LoadAsync(shown, full, contract, settings, null, cancellationToken));
                }
            }

            if (settings.Json)
            {
                // Straight to the writer: Spectre would wrap long lines and interpret [brackets] as markup.
                output.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize<IReadOnlyList<FileSummary>>(summaries, FileSummaryJsonContext.Default.IReadOnlyListFileSummary));
                output.Profile.Out.Writer.Flush();
            }
            else
            {
                if (!_environment.Quiet)
                {
                    Render(_environment, summaries);
                }

                // Kept under --quiet too: an ignored column is data not loaded, which no exit code tells.
                SummaryTable.WriteWarnings(_environment.Error, summaries);
            }

            return LocalFileLoad.ExitCode(summaries, settings.FailOnRejects);
        }
    }

    internal static void Render(CliEnvironment environment, IReadOnlyList<FileSummary> summaries)
    {
        var output = environment.Output;
        output.Write(SummaryTable.ForSummaries(summaries, environment.TableBorder));
        foreach (var s in summaries.Where(s => s.Error is not null))
        {
            output.MarkupLine($"[bold]{Visible.Markup(s.File)}[/]: {Visible.Markup(s.Error!)}");
        }

        foreach (var s in summaries.Where(s => s.RowsRejected + s.RowsDuplicate > 0 && s.FileId is not null))
        {
            output.MarkupLine($"[grey]rejected rows of {Visible.Markup(s.File)}: txetl rejects {s.FileId}[/]");
        }
    }

    /// <summary>Files as given plus each directory's <c>*.csv</c> (any case) in ordinal name order; a missing path is a usage error.</summary>
    private List<(string Shown, string Full)> ExpandPaths(IReadOnlyList<string> paths, StandardInput? stdin)
    {
        var files = new List<(string, string)>();
        foreach (var path in paths)
        {
            if (stdin is not null && path == StandardInput.Name)
            {
                files.Add((path, stdin.Path));
                continue;
            }
            var full = Path.GetFullPath(path, _environment.CurrentDirectory);
            if (Directory.Exists(full))
            {
                var found = CsvFiles.In(full, archives: true);
                if (found.Count == 0)
                {
                    throw new TransactionEtlException($"{path}: the directory holds no *.csv (or *.zip) files; give CSV files or a directory with some.");
                }

                files.AddRange(found.Select(f => (Path.Combine(path, Path.GetFileName(f)), f)));
            }
            else if (File.Exists(full))
            {
                files.Add((path, full));
            }
            else
            {
                throw new TransactionEtlException($"{path}: no such file or directory; give CSV files or directories of them.");
            }
        }

        return files;
    }
}
