using System.Text.Json;

namespace TransactionEtl.Core;

/// <summary>
/// Which contract loads which files: a JSON object of key or path prefixes to contract references, e.g.
/// <c>{"incoming/orders/": "contracts/orders.contract.json", "incoming/": "builtin:transactions.contract.json"}</c>.
/// The longest matching prefix decides, so a feed's folder can sit inside a catch-all. A file under no prefix has
/// no contract and is rejected (<see cref="FileErrorCodes.NoContract"/>), never loaded with a default. The same
/// shape serves RunEtl (<c>TXETL_CONTRACTS</c>, from Terraform's <c>contracts</c>) and <c>txetl watch</c>
/// (<c>DIR/contracts.json</c>); what a reference names (an S3 key, a path) is the caller's to resolve.
/// </summary>
public sealed class ContractMap
{
    /// <summary>The reference that names the shipped transactions contract instead of a file or object.</summary>
    public const string BuiltIn = "builtin:" + Contract.DefaultFileName;

    // Longest prefix first: the first match is the most specific one.
    private readonly KeyValuePair<string, string>[] _entries;

    private ContractMap(IEnumerable<KeyValuePair<string, string>> entries) =>
        _entries = entries.OrderByDescending(e => e.Key.Length).ThenBy(e => e.Key, StringComparer.Ordinal).ToArray();

    /// <summary>Every file with the built-in contract: the behaviour before contracts were mapped.</summary>
    public static ContractMap AllBuiltIn { get; } = new([new("", BuiltIn)]);

    /// <summary>The prefixes and their contract references, longest prefix first.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    /// <summary>
    /// The contract reference of the longest prefix <paramref name="key"/> starts with (ordinal, case-sensitive as
    /// S3 keys are); false when no prefix matches.
    /// </summary>
    public bool TryMatch(string key, out string prefix, out string contract)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var (p, c) in _entries)
        {
            if (key.StartsWith(p, StringComparison.Ordinal))
            {
                (prefix, contract) = (p, c);
                return true;
            }
        }
        (prefix, contract) = ("", "");
        return false;
    }

    /// <summary>
    /// Reads the mapping from JSON: an object whose members are prefixes and whose values are non-empty strings.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Names the mapping in messages (<c>TXETL_CONTRACTS</c>, a file path).</param>
    /// <exception cref="ContractException">Not such an object, a prefix given twice, or an empty reference.</exception>
    public static ContractMap Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ContractException(source, "", $"not valid JSON ({ex.Message}); expected an object such as {Example}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ContractException(source, "", $"expected a JSON object of prefixes to contracts such as {Example}");
            }
            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (member.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(member.Value.GetString()))
                {
                    throw new ContractException(source, member.Name, $"expected a contract reference (a non-empty string) such as {Example}");
                }
                if (!entries.TryAdd(member.Name, member.Value.GetString()!))
                {
                    throw new ContractException(source, member.Name, "the prefix is given twice; give each prefix one contract");
                }
            }
            if (entries.Count == 0)
            {
                throw new ContractException(source, "", $"maps no prefix, so every file would be rejected; add one such as {Example}");
            }
            return new ContractMap(entries);
        }
    }

    private const string Example = "{\"incoming/\": \"" + BuiltIn + "\"}";
}
