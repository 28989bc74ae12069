using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Core.Samples;

namespace TransactionEtl.Cli.Commands;

/// <summary><c>txetl sample --rows N [--seed S] [--fault-rate F] OUT.csv</c>: writes a realistic transactions file.</summary>
internal sealed class SampleCommand(CliEnvironment environment) : AsyncCommand<SampleCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<OUT>")]
        [Description("The CSV file to write (overwritten).")]
        public string Output { get; init; } = "";

        [CommandOption("--rows <N>")]
        [Description("Number of data rows (default 1000).")]
        public long Rows { get; init; } = 1000;

        [CommandOption("--seed <S>")]
        [Description("Seed: the same seed writes the same file (default 1).")]
        public int Seed { get; init; } = 1;

        [CommandOption("--fault-rate <F>")]
        [Description("Share of rows broken on purpose, 0..1 (default 0), e.g. 0.02.")]
        public double FaultRate { get; init; }

        public override ValidationResult Validate()
        {
            if (Rows < 0)
            {
                return ValidationResult.Error($"--rows must be 0 or more, got {Rows}.");
            }

            return FaultRate is < 0 or > 1 || double.IsNaN(FaultRate)
                ? ValidationResult.Error($"--fault-rate must be between 0 and 1 (e.g. 0.02), got {FaultRate.ToString(CultureInfo.InvariantCulture)}.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var generator = new SampleGenerator(new SampleOptions { Rows = settings.Rows, Seed = settings.Seed, FaultRate = settings.FaultRate });
        var path = Path.GetFullPath(settings.Output, environment.CurrentDirectory);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using (stream.ConfigureAwait(false))
        {
            await generator.WriteAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        environment.Output.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"wrote {settings.Rows} rows (seed {settings.Seed}, fault rate {settings.FaultRate}) to {path}");
        return 0;
    }
}
