using System.CommandLine;
using System.Globalization;

namespace TransactionEtl.Cli.Internal;

/// <summary>Options of the commands that load files (<c>run</c>, <c>watch</c>); one instance per command.</summary>
internal sealed class LoadOptions
{
    public Option<string?> Contract { get; } = new("--contract")
    {
        HelpName = "FILE",
        Description = "Contract file (JSON) to apply instead of the built-in transactions contract.",
    };

    public Option<string?> MaxRejectedRatio { get; } = new Option<string?>("--max-rejected-ratio")
    {
        HelpName = "R",
        Description = "Reject a file when more than this share of its rows is rejected (0..1). Default: the contract's (0.05).",
    }.Check(value => value is not null &&
        (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var r) || r > 1)
            ? $"--max-rejected-ratio must be a number between 0 and 1 such as 0.05, got '{value}'."
            : null);

    public Option<int?> LockTimeout { get; } = new Option<int?>("--lock-timeout")
    {
        HelpName = "SECONDS",
        Description = "How long a load waits for a lock another session holds (a load of overlapping ids, a LOCK TABLE) " +
            "before it fails as retryable; 0 waits without limit. Default: 30.",
    }.Number().Check(value => value is < 0 or > MaxLockTimeoutSeconds
        ? $"--lock-timeout must be a whole number of seconds from 0 (no limit) to {MaxLockTimeoutSeconds}, got {value}."
        : null);

    /// <summary>PostgreSQL's lock_timeout is an int of milliseconds: about 24 days.</summary>
    private const int MaxLockTimeoutSeconds = int.MaxValue / 1000;

    public void AddTo(Command command)
    {
        command.Options.Add(Contract);
        command.Options.Add(MaxRejectedRatio);
        command.Options.Add(LockTimeout);
    }

    /// <summary>Copies these options' values of <paramref name="parse"/> into <paramref name="settings"/>.</summary>
    public T Fill<T>(T settings, ParseResult parse)
        where T : LoadSettings
    {
        settings.Contract = parse.GetValue(Contract);
        settings.MaxRejectedRatio = parse.GetValue(MaxRejectedRatio);
        settings.LockTimeoutSeconds = parse.GetValue(LockTimeout);
        return settings;
    }
}
