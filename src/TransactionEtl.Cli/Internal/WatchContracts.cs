using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>txetl watch</c>'s choice of contract per file, the local twin of RunEtl's <c>TXETL_CONTRACTS</c>: with a
/// <c>DIR/contracts.json</c> (file-name prefix to contract file, relative to DIR, or
/// <c>builtin:transactions.contract.json</c>) the longest matching prefix decides and a file under none has no contract;
/// without it every file gets <c>--contract</c> (or the built-in one). Contracts are loaded once, at start, so a
/// mistake in any of them stops watch before a file is moved.
/// </summary>
internal sealed class WatchContracts
{
    /// <summary>The mapping's file name inside the watched directory.</summary>
    public const string FileName = "contracts.json";

    private readonly ContractMap? _map;
    private readonly Dictionary<string, Contract> _byReference;

    private WatchContracts(ContractMap? map, Dictionary<string, Contract> byReference)
    {
        _map = map;
        _byReference = byReference;
    }

    /// <summary>Reads <c>DIR/contracts.json</c> and every contract it names, or takes <c>--contract</c> when there is none.</summary>
    /// <exception cref="UsageException"><c>--contract</c> given as well: two answers to the same question.</exception>
    /// <exception cref="ContractException">The mapping or a contract it names has a mistake.</exception>
    public static WatchContracts Load(string directory, LoadSettings settings, CliEnvironment environment)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            var single = CommonOptions.LoadContract(settings.Contract, settings.Delimiter, settings.Encoding, environment);
            return new WatchContracts(null, new(StringComparer.Ordinal) { [""] = single });
        }
        if (settings.Contract is not null)
        {
            throw new UsageException($"--contract and {path} both choose the contract; remove one of them.", "txetl watch");
        }
        var map = ContractMap.Parse(File.ReadAllText(path), path);
        var byReference = new Dictionary<string, Contract>(StringComparer.Ordinal);
        foreach (var reference in map.Entries.Select(e => e.Value).Distinct(StringComparer.Ordinal))
        {
            // Relative to DIR, not to where watch was started: the directory carries its own mapping.
            var file = reference == ContractMap.BuiltIn ? null : Path.GetFullPath(reference, directory);
            byReference[reference] = CommonOptions.LoadContract(file, settings.Delimiter, settings.Encoding, environment);
        }
        return new WatchContracts(map, byReference);
    }

    /// <summary>The contract for the file <paramref name="name"/> (its name in DIR); null when no prefix maps it.</summary>
    public Contract? For(string name) =>
        _map is null ? _byReference[""]
        : _map.TryMatch(name, out _, out var reference) ? _byReference[reference]
        : null;

    /// <summary>The summary of a file no prefix maps: rejected unread, with the reason, like RunEtl's.</summary>
    public FileSummary Unmapped(string name) => new()
    {
        File = name,
        Status = FileStatus.Rejected,
        RejectReasons = new SortedDictionary<string, long>(StringComparer.Ordinal) { [FileErrorCodes.NoContract] = 1 },
        Error = $"{name}: no contract is mapped to this name in {FileName} (prefixes: " +
            $"{string.Join(", ", _map?.Entries.Select(e => e.Key == "" ? "\"\"" : e.Key) ?? [])}); the file was not read. " +
            $"Rename it to a mapped prefix or add its prefix to {FileName}, then move it back.",
    };
}
