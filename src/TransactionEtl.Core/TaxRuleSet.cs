using System.Globalization;
using System.Text;
using Sylvan.Data.Csv;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core;

/// <summary>
/// A set of effective-dated tax rules, read from a CSV in the default-contract shape
/// (<c>rule_id,country,region,category,rate,price_includes_tax,valid_from,valid_to,note</c>). The loader also
/// seeds <see cref="Rules"/> into the database. Immutable after load; lookups are thread-safe.
/// </summary>
public sealed class TaxRuleSet
{
    /// <summary>The column names of a tax rule CSV, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["rule_id", "country", "region", "category", "rate", "price_includes_tax", "valid_from", "valid_to", "note"];

    private const string EmbeddedName = "TransactionEtl.Core.Reference.tax_rates.csv";
    private static readonly Lazy<TaxRuleSet> DefaultRules = new(() =>
    {
        using var stream = typeof(TaxRuleSet).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"Embedded resource {EmbeddedName} is missing from the build.");
        return Load(stream, "built-in tax_rates.csv");
    });

    private readonly Dictionary<string, TaxRule[]> _byCountry;

    private TaxRuleSet(IReadOnlyList<TaxRule> rules, string source)
    {
        Rules = rules;
        Source = source;
        _byCountry = rules.GroupBy(r => r.Country, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.Specificity).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The default rule set shipped with the product (a copy of <c>reference/tax_rates.csv</c>).</summary>
    public static TaxRuleSet Default => DefaultRules.Value;

    /// <summary>Every rule, in file order.</summary>
    public IReadOnlyList<TaxRule> Rules { get; }

    /// <summary>Where the rules came from (file path or "built-in tax_rates.csv").</summary>
    public string Source { get; }

    /// <summary>
    /// The most specific rule valid on <paramref name="taxDate"/>: region and category, then region, then
    /// category, then country only. Null when none matches.
    /// </summary>
    public TaxRule? Find(string country, string? region, string? category, DateOnly taxDate) =>
        Find(CandidatesFor(country), region, category, taxDate);

    /// <summary>The country's rules, most specific first (null when it has none): looked up once per distinct country by the validator.</summary>
    internal TaxRule[]? CandidatesFor(string country) => _byCountry.GetValueOrDefault(country);

    /// <summary><see cref="Find(string, string?, string?, DateOnly)"/> among a country's <paramref name="candidates"/>.</summary>
    internal static TaxRule? Find(TaxRule[]? candidates, string? region, string? category, DateOnly taxDate) =>
        Find(candidates, region, category, taxDate, out _, out _);

    /// <summary>
    /// <see cref="Find(string, string?, string?, DateOnly)"/> among a country's <paramref name="candidates"/>, and the
    /// days around <paramref name="taxDate"/> that have the same answer: [<paramref name="from"/>, <paramref name="to"/>)
    /// holds no valid_from or valid_to of a rule of this region and category, so on each of its days every such rule is
    /// valid exactly when it is on the tax date. The validator remembers the answer for those days (TaxRuleCache).
    /// </summary>
    internal static TaxRule? Find(TaxRule[]? candidates, string? region, string? category, DateOnly taxDate, out DateOnly from, out DateOnly to)
    {
        from = DateOnly.MinValue;
        to = DateOnly.MaxValue;
        TaxRule? found = null;
        // Sorted by specificity, most specific first; overlaps at one specificity are refused at load, so the
        // first hit is the only one of its rank.
        foreach (var rule in candidates ?? [])
        {
            if ((rule.Region is null || string.Equals(rule.Region, region, StringComparison.Ordinal))
                && (rule.Category is null || string.Equals(rule.Category, category, StringComparison.Ordinal)))
            {
                found ??= rule.IsValidOn(taxDate) ? rule : null;
                Narrow(rule.ValidFrom, taxDate, ref from, ref to);
                if (rule.ValidTo is { } end)
                {
                    Narrow(end, taxDate, ref from, ref to);
                }
            }
        }
        return found;
    }

    /// <summary>Keeps <paramref name="boundary"/> out of [from, to) while the range still holds <paramref name="taxDate"/>.</summary>
    private static void Narrow(DateOnly boundary, DateOnly taxDate, ref DateOnly from, ref DateOnly to)
    {
        if (boundary <= taxDate)
        {
            from = boundary > from ? boundary : from;
        }
        else
        {
            to = boundary < to ? boundary : to;
        }
    }

    /// <summary>Reads rules from a CSV file.</summary>
    /// <exception cref="ContractException">The file has a mistake; the message names the line and column.</exception>
    public static TaxRuleSet Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Reads rules from a UTF-8 CSV stream; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ContractException">The data has a mistake; the message names the line and column.</exception>
    public static TaxRuleSet Load(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        // UTF-8 with or without a BOM, as the data files (spec): the encoding's preamble makes StreamReader skip a UTF-8
        // BOM; detection stays off, so a UTF-16 file is refused as not UTF-8 rather than read in another encoding.
        using var text = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true),
            detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var rules = new List<TaxRule>();
        bool header = true;
        try
        {
            using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = false, Delimiter = ',', Quote = '"', Comment = '\0' });
            long line = 1;
            while (csv.Read())
            {
                long recordLine = line;
                var raw = csv.GetRawRecordSpan();
                line += LineCounter.CountLineBreaks(raw);
                if (raw.Trim().IsEmpty)
                {
                    continue;
                }
                if (header)
                {
                    header = false;
                    CheckHeader(csv, source);
                    continue;
                }
                rules.Add(ParseRule(csv, source, recordLine));
            }
        }
        catch (Exception e) when (e is CsvFormatException or DecoderFallbackException or CsvRecordTooLargeException)
        {
            throw new ContractException(source, "", $"not a readable UTF-8 CSV file: {e.Message}");
        }
        if (header)
        {
            throw new ContractException(source, "", "the file is empty; expected a header " + string.Join(',', Columns));
        }
        CheckConsistency(rules, source);
        return new TaxRuleSet(rules, source);
    }

    private static void CheckHeader(CsvDataReader csv, string source)
    {
        var found = new string[csv.RowFieldCount];
        for (int i = 0; i < found.Length; i++)
        {
            found[i] = csv.GetString(i).Trim().ToLowerInvariant();
        }
        if (!found.SequenceEqual(Columns))
        {
            throw new ContractException(source, "line 1", $"the header is '{string.Join(',', found)}'; expected exactly '{string.Join(',', Columns)}'");
        }
    }

    private static TaxRule ParseRule(CsvDataReader csv, string source, long line)
    {
        string Where(int column) => $"line {line}, column {Columns[column]}";
        if (csv.RowFieldCount != Columns.Count)
        {
            throw new ContractException(source, $"line {line}", $"{csv.RowFieldCount} cells; expected {Columns.Count} ({string.Join(',', Columns)})");
        }
        string Cell(int i) => csv.GetString(i).Trim();
        string? Optional(int i) => Cell(i) is { Length: > 0 } v ? v : null;

        string id = Cell(0);
        if (id.Length is 0 or > 64)
        {
            throw new ContractException(source, Where(0), $"rule_id '{id}' must be 1-64 characters");
        }
        string country = Cell(1).ToUpperInvariant();
        if (!ReferenceData.Countries.Contains(country))
        {
            throw new ContractException(source, Where(1), $"'{country}' is not an ISO 3166-1 alpha-2 code such as DE");
        }
        string? region = Optional(2)?.ToUpperInvariant();
        if (region is not null && !region.StartsWith(country + "-", StringComparison.Ordinal))
        {
            throw new ContractException(source, Where(2), $"region '{region}' must be an ISO 3166-2 code starting with '{country}-', e.g. {country}-XX");
        }
        string? category = Optional(3)?.ToLowerInvariant();
        if (!decimal.TryParse(Cell(4), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal rate) || rate > 1)
        {
            throw new ContractException(source, Where(4), $"rate '{Cell(4)}' must be a fraction between 0 and 1 such as 0.19");
        }
        if (!BooleanText.TryParse(Cell(5), out bool includesTax))
        {
            throw new ContractException(source, Where(5), $"'{Cell(5)}' is not a boolean; expected true or false");
        }
        if (!DateOnly.TryParseExact(Cell(6), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from))
        {
            throw new ContractException(source, Where(6), $"valid_from '{Cell(6)}' is not a date YYYY-MM-DD");
        }
        DateOnly? to = null;
        if (Optional(7) is { } toText)
        {
            if (!DateOnly.TryParseExact(toText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var toDate))
            {
                throw new ContractException(source, Where(7), $"valid_to '{toText}' is not a date YYYY-MM-DD (or empty for open-ended)");
            }
            if (toDate <= from)
            {
                throw new ContractException(source, Where(7), $"valid_to {toText} must be after valid_from {Cell(6)} (valid_to is exclusive)");
            }
            to = toDate;
        }
        return new TaxRule(id, country, region, category, rate, includesTax, from, to, Cell(8));
    }

    private static void CheckConsistency(List<TaxRule> rules, string source)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (!ids.Add(rule.RuleId))
            {
                throw new ContractException(source, "", $"rule_id '{rule.RuleId}' appears twice; rule ids must be unique");
            }
        }
        // Two rules of the same scope whose date ranges overlap would make the choice depend on file order.
        foreach (var scope in rules.GroupBy(r => (r.Country, r.Region, r.Category)))
        {
            var ordered = scope.OrderBy(r => r.ValidFrom).ToArray();
            for (int i = 1; i < ordered.Length; i++)
            {
                var previous = ordered[i - 1];
                if (previous.ValidTo is null || previous.ValidTo.Value > ordered[i].ValidFrom)
                {
                    throw new ContractException(source, "",
                        $"rules '{previous.RuleId}' and '{ordered[i].RuleId}' apply to the same country/region/category on overlapping dates; end the first (valid_to) before the second starts");
                }
            }
        }
    }
}
