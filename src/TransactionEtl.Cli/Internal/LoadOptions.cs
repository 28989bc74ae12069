using System.CommandLine;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// Options of the commands that load files (<c>run</c>, <c>watch</c>); one instance per command. Each option is
/// defined in <see cref="CommonOptions"/>.
/// </summary>
internal sealed class LoadOptions
{
    public Option<string?> Contract { get; } = CommonOptions.Contract();

    public Option<decimal?> MaxRejectedRatio { get; } = CommonOptions.MaxRejectedRatio();

    public Option<int?> LockTimeout { get; } = CommonOptions.LockTimeout();

    public Option<string?> Delimiter { get; } = CommonOptions.Delimiter();

    public Option<string?> Encoding { get; } = CommonOptions.Encoding();

    public Option<long?> MaxDecompressedBytes { get; } = CommonOptions.MaxDecompressedBytes();

    public Option<int?> MaxDecompressionRatio { get; } = CommonOptions.MaxDecompressionRatio();

    public void AddTo(Command command)
    {
        command.Options.Add(Contract);
        command.Options.Add(Delimiter);
        command.Options.Add(Encoding);
        command.Options.Add(MaxRejectedRatio);
        command.Options.Add(LockTimeout);
        command.Options.Add(MaxDecompressedBytes);
        command.Options.Add(MaxDecompressionRatio);
    }

    /// <summary>Copies these options' values of <paramref name="parse"/> into <paramref name="settings"/>.</summary>
    public T Fill<T>(T settings, ParseResult parse)
        where T : LoadSettings
    {
        settings.Contract = parse.GetValue(Contract);
        settings.Delimiter = parse.GetValue(Delimiter);
        settings.Encoding = parse.GetValue(Encoding);
        settings.MaxRejectedRatio = parse.GetValue(MaxRejectedRatio);
        settings.LockTimeoutSeconds = parse.GetValue(LockTimeout);
        settings.MaxDecompressedBytes = parse.GetValue(MaxDecompressedBytes) ?? ProcessingOptions.DefaultMaxDecompressedBytes;
        settings.MaxDecompressionRatio = parse.GetValue(MaxDecompressionRatio) ?? ProcessingOptions.DefaultMaxDecompressionRatio;
        return settings;
    }
}
