using System.Globalization;
using System.Text;

namespace TransactionEtl.Core.Samples;

/// <summary>
/// Writes realistic transaction CSV files in the default contract's shape: rows across the default rule
/// set's countries, currencies and categories, a mix of timestamp styles, refunds, quoted merchants, and
/// (with <see cref="SampleOptions.FaultRate"/>) rows broken in the ways real feeds break. The same options
/// always produce the same bytes, so a benchmark or a bug report can be reproduced from its seed.
/// </summary>
public sealed class SampleGenerator
{
    private static readonly string[] Categories =
        ["groceries", "restaurants", "electronics", "clothing", "books", "travel", "fuel", "health", "services", "other"];

    // Countries of the default tax rules, with their currency and the regions their rules need.
    private static readonly Market[] Markets =
    [
        new("DE", "EUR", 2, [], ["REWE Markt", "Lidl", "MediaMarkt", "Deutsche Bahn", "Thalia Bücher", "Müller, Drogerie", "Aral Tankstelle"]),
        new("FR", "EUR", 2, [], ["Carrefour", "Fnac", "Le Petit Café", "SNCF", "Pharmacie Centrale", "Boulangerie \"Chez Paul\""]),
        new("GB", "GBP", 2, [], ["Tesco", "Waterstones", "Pret A Manger", "Boots", "Shell UK", "Marks & Spencer"]),
        new("CH", "CHF", 2, [], ["Migros", "Coop", "SBB CFF FFS", "Digitec Galaxus", "Orell Füssli"]),
        new("JP", "JPY", 0, [], ["Lawson", "Yodobashi Camera", "FamilyMart", "JR East", "Kinokuniya", "ユニクロ 銀座店"]),
        new("AU", "AUD", 2, [], ["Woolworths", "JB Hi-Fi", "Qantas", "Coles", "Chemist Warehouse"]),
        new("BH", "BHD", 3, [], ["Lulu Hypermarket", "Gulf Air", "Virgin Megastore Bahrain"]),
        new("KW", "KWD", 3, [], ["The Sultan Center", "X-cite", "Jazeera Airways"]),
        new("US", "USD", 2, ["US-CA", "US-NY", "US-TX"], ["Whole Foods Market", "Best Buy", "Chevron", "Barnes & Noble", "CVS Pharmacy", "Joe's Diner, Austin"]),
        new("CA", "CAD", 2, ["CA-ON", "CA-QC", "CA-AB"], ["Loblaws", "Tim Hortons", "Indigo Books", "Petro-Canada", "Best Buy Canada"]),
    ];

    private readonly SampleOptions _options;

    /// <summary>Creates a generator; the options are validated here, once.</summary>
    /// <exception cref="ArgumentException">When rows is negative or the fault rate is outside [0, 1].</exception>
    public SampleGenerator(SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rows < 0)
        {
            throw new ArgumentException($"Rows must be 0 or more, got {options.Rows}.", nameof(options));
        }

        if (options.FaultRate is < 0 or > 1 || double.IsNaN(options.FaultRate))
        {
            throw new ArgumentException(
                $"Fault rate must be between 0 and 1 (e.g. 0.02 for 2%), got {options.FaultRate.ToString(CultureInfo.InvariantCulture)}.",
                nameof(options));
        }

        _options = options;
    }

    /// <summary>The header line the generator writes (the default contract's column names).</summary>
    public const string Header = "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax";

    /// <summary>Streams the header and every row to <paramref name="stream"/> as UTF-8 with LF line ends.</summary>
    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        await using (writer)
        {
            await writer.WriteLineAsync(Header.AsMemory(), cancellationToken);
            var random = new Random(_options.Seed);
            var line = new StringBuilder(160);
            for (long i = 0; i < _options.Rows; i++)
            {
                line.Clear();
                AppendRow(line, random, i);
                // Flush the builder in chunks; WriteLineAsync(StringBuilder) copies without allocating a string.
                await writer.WriteLineAsync(line, cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
        }
    }

    private void AppendRow(StringBuilder sb, Random random, long index)
    {
        // The draws from the random sequence keep their order, so a seed still gives the same bytes.
        var market = Markets[random.Next(Markets.Length)];
        var category = Categories[random.Next(Categories.Length)];
        var fault = _options.FaultRate > 0 && random.NextDouble() < _options.FaultRate
            ? (Fault)random.Next((int)Fault.Count)
            : Fault.None;
        var row = new SampleRow
        {
            Id = RowId(random, index, fault),
            Timestamp = RandomTimestamp(random, fault),
            Account = "ACC-" + random.Next(1, 50_000).ToString("D6", CultureInfo.InvariantCulture),
            Merchant = market.Merchants[random.Next(market.Merchants.Length)],
            Category = category,
            Amount = FormatAmount(random, market.MinorUnit, category),
            Currency = market.Currency,
            Country = market.Country,
            Region = market.Regions.Length == 0 ? "" : market.Regions[random.Next(market.Regions.Length)],
            IncludesTax = random.Next(10) switch
            {
                0 => "true",
                1 => "yes",
                2 when market.Regions.Length > 0 => "false",
                _ => "",
            },
        };
        ApplyFault(ref row, fault, random, market);
        AppendFields(sb, row, withRegion: fault != Fault.MissingCells);
    }

    private string RowId(Random random, long index, Fault fault)
    {
        // Ids are unique per (seed, row); a duplicate fault deliberately repeats an earlier one.
        var id = fault == Fault.DuplicateId && index > 0
            ? FormatId(_options.Seed, random.NextInt64(index))
            : FormatId(_options.Seed, index);
        if (fault == Fault.BadId)
        {
            id += " #" + random.Next(100);
        }

        return id;
    }

    private static string RandomTimestamp(Random random, Fault fault)
    {
        var day = new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(3 * 365));
        var time = day.AddSeconds(random.Next(86_400));
        var timestamp = random.Next(6) switch
        {
            0 => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            1 => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            2 => time.ToString("yyyy-MM-dd'T'HH:mm:ss'+01:00'", CultureInfo.InvariantCulture),
            3 => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            _ => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        return fault == Fault.BadDate ? time.ToString("yyyy-02-30", CultureInfo.InvariantCulture) : timestamp;
    }

    /// <summary>Breaks the row the way <paramref name="fault"/> names (duplicate and bad ids, bad dates and missing cells are made elsewhere).</summary>
    private static void ApplyFault(ref SampleRow row, Fault fault, Random random, Market market)
    {
        switch (fault)
        {
            case Fault.BadAmount:
                row.Amount = random.Next(2) == 0 ? row.Amount.Replace('.', ',') : "EUR " + row.Amount;
                break;
            case Fault.TooManyDecimals:
                row.Amount += "5";
                if (market.MinorUnit == 0)
                {
                    row.Amount += ".5";
                }

                break;
            case Fault.BadCurrency:
                row.Currency = "EUX";
                break;
            case Fault.BadCategory:
                row.Category = "gambling";
                break;
            case Fault.NoTaxRule:
                row.Country = "IT";
                row.Currency = "EUR";
                row.Region = "";
                break;
            case Fault.RegionMismatch:
                row.Region = "XX-ABC";
                break;
            case Fault.MissingAccount:
                row.Account = "";
                break;
        }
    }

    private static void AppendFields(StringBuilder sb, in SampleRow row, bool withRegion)
    {
        AppendField(sb, row.Id);
        sb.Append(',');
        AppendField(sb, row.Timestamp);
        sb.Append(',');
        AppendField(sb, row.Account);
        sb.Append(',');
        AppendField(sb, row.Merchant);
        sb.Append(',');
        AppendField(sb, row.Category);
        sb.Append(',');
        AppendField(sb, row.Amount);
        sb.Append(',');
        AppendField(sb, row.Currency);
        sb.Append(',');
        AppendField(sb, row.Country);
        if (!withRegion)
        {
            return;
        }

        sb.Append(',');
        AppendField(sb, row.Region);
        sb.Append(',');
        AppendField(sb, row.IncludesTax);
    }

    /// <summary>One row's cells as text, before they are quoted where needed.</summary>
    private struct SampleRow
    {
        public string Id;
        public string Timestamp;
        public string Account;
        public string Merchant;
        public string Category;
        public string Amount;
        public string Currency;
        public string Country;
        public string Region;
        public string IncludesTax;
    }

    internal static string FormatId(int seed, long index) =>
        string.Create(CultureInfo.InvariantCulture, $"TX{seed}-{index + 1:D8}");

    private static string FormatAmount(Random random, int minorUnit, string category)
    {
        var (min, max) = category switch
        {
            "electronics" => (20m, 2500m),
            "travel" => (30m, 1800m),
            "groceries" => (1m, 180m),
            "books" => (5m, 80m),
            "fuel" => (15m, 140m),
            _ => (2m, 400m),
        };
        if (minorUnit == 0)
        {
            // JPY prices are ~150x EUR; keep them whole yen.
            min *= 150;
            max *= 150;
        }

        var value = min + ((max - min) * (decimal)random.NextDouble());
        value = Math.Round(value, minorUnit, MidpointRounding.AwayFromZero);
        if (random.Next(50) == 0)
        {
            value = -value; // refunds
        }

        return value.ToString("F" + minorUnit.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static void AppendField(StringBuilder sb, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(value);
            return;
        }

        sb.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private sealed record Market(string Country, string Currency, int MinorUnit, string[] Regions, string[] Merchants);

    private enum Fault
    {
        BadAmount,
        TooManyDecimals,
        BadCurrency,
        BadCategory,
        BadDate,
        NoTaxRule,
        RegionMismatch,
        MissingAccount,
        MissingCells,
        BadId,
        DuplicateId,
        Count,
        None,
    }
}
