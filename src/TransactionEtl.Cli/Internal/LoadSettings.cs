using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>Options of the commands that load files (<c>run</c>, <c>watch</c>).</summary>
internal class LoadSettings : GlobalSettings
{
    [CommandOption("--contract <FILE>")]
    [Description("Contract file (JSON) to apply instead of the built-in transactions contract.")]
    public string? Contract { get; set; }

    [CommandOption("--max-rejected-ratio <R>")]
    [Description("Reject a file when more than this share of its rows is rejected (0..1). Default: the contract's (0.05).")]
    public string? MaxRejectedRatio { get; set; }

    public override ValidationResult Validate()
    {
        if (MaxRejectedRatio is not null &&
            (!decimal.TryParse(MaxRejectedRatio, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var r) || r > 1))
        {
            return ValidationResult.Error($"--max-rejected-ratio must be a number between 0 and 1 such as 0.05, got '{MaxRejectedRatio}'.");
        }

        return ValidationResult.Success();
    }

    public decimal? ParsedMaxRejectedRatio =>
        MaxRejectedRatio is null ? null : decimal.Parse(MaxRejectedRatio, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    public Contract LoadContract(CliEnvironment environment) =>
        Contract is null ? Core.Contract.Default : Core.Contract.Load(Path.GetFullPath(Contract, environment.CurrentDirectory));
}
