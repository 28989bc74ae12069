using System.Collections.Frozen;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// ISO 4217 currencies (with minor units) and ISO 3166-1 alpha-2 countries, read once from the embedded data
/// files under Reference/ (their headers name the source). No network at run time.
/// </summary>
internal static class ReferenceData
{
    private static readonly Lazy<FrozenDictionary<string, int>> CurrencyTable = new(() =>
        ReadRows("iso4217.csv").ToFrozenDictionary(r => r[0], r => int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal));

    private static readonly Lazy<FrozenSet<string>> CountryTable = new(() =>
        ReadRows("iso3166-1.csv").Select(r => r[0]).ToFrozenSet(StringComparer.Ordinal));

    /// <summary>Active ISO 4217 code -> minor unit (number of decimals).</summary>
    public static FrozenDictionary<string, int> Currencies => CurrencyTable.Value;

    /// <summary>ISO 3166-1 alpha-2 codes.</summary>
    public static FrozenSet<string> Countries => CountryTable.Value;

    /// <summary>Reads a reference list by the name a contract uses for it (<c>iso4217</c>, <c>iso3166-1-alpha2</c>).</summary>
    public static bool IsKnownList(string name) => name is Iso4217 or Iso3166Alpha2;

    public const string Iso4217 = "iso4217";
    public const string Iso3166Alpha2 = "iso3166-1-alpha2";

    public static bool Contains(string list, string value) => list switch
    {
        Iso4217 => Currencies.ContainsKey(value),
        Iso3166Alpha2 => Countries.Contains(value),
        _ => false,
    };

    /// <summary>The sentence tail for a value not in the list, with a hint, e.g. "is not an active ISO 4217 code; expected ...".</summary>
    public static string NotInList(string list) => list switch
    {
        Iso4217 => "is not an active ISO 4217 currency code; expected an ISO 4217 code such as EUR, USD or JPY",
        Iso3166Alpha2 => "is not an ISO 3166-1 alpha-2 country code; expected a code such as DE, FR or US",
        _ => "is not in " + list,
    };

    private static List<string[]> ReadRows(string file)
    {
        string name = "TransactionEtl.Core.Reference." + file;
        using var stream = typeof(ReferenceData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        var rows = new List<string[]>();
        bool header = true;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            if (header)
            {
                header = false;
                continue;
            }
            // Only the leading code columns are used; names may hold quoted commas, so split at most twice.
            rows.Add(line.Split(',', 3));
        }
        return rows;
    }
}
