using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core.Samples;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl sample OUT.csv [--rows N] [--seed S] [--fault-rate F] [--format csv|gz|zst|xlsx|parquet]</c>: writes a
/// realistic transactions file, creating its directory; compressed with gzip or zstd, or typed as a workbook or a
/// Parquet file, when asked.
/// </summary>
internal sealed partial class SampleCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Argument<string> _output = new("OUT") { Description = "The CSV file to write (overwritten)." };

    private readonly Option<long> _rows = new Option<long>("--rows")
    {
        HelpName = "N",
        Description = "Number of data rows (default 1000).",
        DefaultValueFactory = _ => 1000,
    }.Number().Check(value => value < 0 ? $"--rows must be 0 or more, got {value}." : null);

    private readonly Option<int> _seed = new Option<int>("--seed")
    {
        HelpName = "S",
        Description = "Seed: the same seed writes the same file (default 1).",
        DefaultValueFactory = _ => 1,
    }.Number();

    private readonly Option<double> _faultRate = new Option<double>("--fault-rate")
    {
        HelpName = "F",
        Description = "Share of rows broken on purpose, 0..1 (default 0), e.g. 0.02.",
    }.Number().Check(value => value is < 0 or > 1 || double.IsNaN(value)
        ? $"--fault-rate must be between 0 and 1 (e.g. 0.02), got {value.ToString(CultureInfo.InvariantCulture)}."
        : null);

    private readonly Option<string> _format = new Option<string>("--format")
    {
        HelpName = "FORMAT",
        Description = "csv (default); gz (gzip) or zst (zstd): the same rows compressed as `gzip`/`zstd` would (name OUT .csv.gz / .csv.zst); " +
            "xlsx or parquet: the same rows as an Excel workbook or a Parquet file (held in memory while written).",
        DefaultValueFactory = _ => "csv",
    }.AcceptOnlyFromAmong("csv", "gz", "zst", "xlsx", "parquet");

    public SampleCommand(CliEnvironment environment)
        : base("sample", "Write a realistic transactions CSV (demos, benchmarks).")
    {
        _environment = environment;
        Arguments.Add(_output);
        Options.Add(_rows);
        Options.Add(_seed);
        Options.Add(_faultRate);
        Options.Add(_format);
        SetAction((parse, cancellationToken) => ExecuteAsync(
            new Settings
            {
                Output = parse.GetValue(_output)!, Rows = parse.GetValue(_rows), Seed = parse.GetValue(_seed), FaultRate = parse.GetValue(_faultRate),
                Format = parse.GetValue(_format)!,
            },
            cancellationToken));
    }

    internal sealed class Settings
    {
        public string Output { get; init; } = "";

        public long Rows { get; init; }

        public int Seed { get; init; }

        public double FaultRate { get; init; }

        public string Format { get; init; } = "csv";
    }

    private async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        // Parquet.Net's writer cannot be compiled Native AOT (IL3050, IL2070): under AOT this constant is false and the
        // typed formats are refused before a file is made; the JIT build (`dotnet run --project src/TransactionEtl.Cli`) writes them.
        if (settings.Format is "xlsx" or "parquet" && !System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
        {
            await _environment.Error.WriteLineAsync(
                $"txetl: this Native AOT build cannot write --format {settings.Format}; run `dotnet run --project src/TransactionEtl.Cli -- sample ...` for it");
            return 64;
        }

        var generator = new SampleGenerator(new SampleOptions { Rows = settings.Rows, Seed = settings.Seed, FaultRate = settings.FaultRate });
        var path = Path.GetFullPath(settings.Output, _environment.CurrentDirectory);
        // `sample out/big.csv` into a directory not made yet: make it, as `mkdir -p` would, rather than fail.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using (stream)
        {
            if (settings.Format == "csv")
            {
                await generator.WriteAsync(stream, cancellationToken);
            }
            else
            {
                if (settings.Format is "gz" or "zst")
                {
                    var compressor = Compressor(stream, settings.Format);
                    await using (compressor)
                    {
                        await generator.WriteAsync(compressor, cancellationToken);
                    }
                }
                else if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
                {
                    await WriteTabularAsync(generator, settings.Format, stream, cancellationToken);
                }
            }
        }

        _environment.Output.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"wrote {settings.Rows} rows as {settings.Format} (seed {settings.Seed}, fault rate {settings.FaultRate}) to {path}");
        return 0;
    }

    /// <summary>
    /// A compressor over <paramref name="file"/> (left open). Both are deterministic (gzip's header carries no time
    /// here), so the same seed still writes the same bytes.
    /// </summary>
    private static Stream Compressor(Stream file, string format) => format == "gz"
        ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true)
        : new ZstdSharp.CompressionStream(file, level: 3, leaveOpen: true);
}
