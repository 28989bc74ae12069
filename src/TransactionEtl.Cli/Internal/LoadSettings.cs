using System.Globalization;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>Option values of the commands that load files (<c>run</c>, <c>watch</c>); see <see cref="LoadOptions"/>.</summary>
internal class LoadSettings : GlobalSettings
{
    public string? Contract { get; set; }

    /// <summary>As typed; <see cref="LoadOptions"/> has already checked that it parses and is at most 1.</summary>
    public string? MaxRejectedRatio { get; set; }

    /// <summary>As given to <c>--lock-timeout</c> (checked to be 0 or more); null for the loader's default.</summary>
    public int? LockTimeoutSeconds { get; set; }

    public decimal? ParsedMaxRejectedRatio =>
        MaxRejectedRatio is null ? null : decimal.Parse(MaxRejectedRatio, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    public Contract LoadContract(CliEnvironment environment) =>
        Contract is null ? Core.Contract.Default : Core.Contract.Load(Path.GetFullPath(Contract, environment.CurrentDirectory));
}
