using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Xunit;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

public class PropertyTests
{
    // Countries with rules, their currency, and a region where the rules need one.
    private static readonly (string Country, string Currency, string Region)[] Places =
    [
        ("DE", "EUR", ""), ("FR", "EUR", ""), ("JP", "JPY", ""), ("BH", "BHD", ""), ("KW", "KWD", ""),
        ("US", "USD", "US-CA"), ("US", "USD", "US-NY"), ("CA", "CAD", "CA-QC"), ("CH", "CHF", ""), ("GB", "GBP", ""),
    ];

    private static readonly string[] Categories = ["groceries", "restaurants", "electronics", "books", "fuel"];
    private static readonly string[] Includes = ["", "true", "false"];

    [ScaledProperty(200)]
    public bool Every_accepted_row_has_gross_equal_net_plus_tax_and_tax_within_the_minor_unit(long[] seeds)
    {
        var sb = new StringBuilder(Engine.Header).Append('\n');
        int n = 0;
        foreach (long seed in seeds ?? [])
        {
            var place = Places[(int)(Math.Abs(seed) % Places.Length)];
            int minor = ReferenceData.Currencies[place.Currency];
            // An amount with exactly the currency's decimals, sign included, from the seed.
            decimal amount = (seed % 100_000_000) / (decimal)Math.Pow(10, minor);
            string text = amount.ToString("F" + minor, CultureInfo.InvariantCulture);
            string date = new DateOnly(2015, 1, 1).AddDays((int)(Math.Abs(seed / 7) % 4000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            sb.Append(Engine.Row(id: $"P{n++}", timestamp: date, category: Categories[Math.Abs(seed / 3) % Categories.Length], amount: text,
                currency: place.Currency, country: place.Country, region: place.Region, includesTax: Includes[Math.Abs(seed / 11) % 3])).Append('\n');
        }
        var (result, sink) = Engine.RunAsync(sb.ToString()).GetAwaiter().GetResult();
        if (result.ErrorCode is not null || result.RowsTotal != n)
        {
            return false;
        }
        foreach (var row in sink.Valid)
        {
            var net = (decimal)row.Value("net_amount")!;
            var tax = (decimal)row.Value("tax_amount")!;
            var gross = (decimal)row.Value("gross_amount")!;
            int minor = ReferenceData.Currencies[(string)row.Value("currency")!];
            if (gross != net + tax || tax.Scale > minor || net.Scale > minor || gross.Scale > minor)
            {
                return false;
            }
        }
        // Rows are only ever rejected for having no rule (e.g. a date before JP's first rule).
        return sink.Rejected.All(r => r.Errors.All(e => e.Code == FileErrorCodes.NoTaxRule));
    }

    [ScaledProperty(500)]
    public bool Tax_formulas_keep_gross_equal_net_plus_tax(int cents, byte rateSeed, bool includesTax, byte minorSeed)
    {
        int minor = minorSeed % 5;
        decimal amount = cents / (decimal)Math.Pow(10, minor);
        decimal rate = (rateSeed % 30) / 100m + 0.005m * (rateSeed % 2);
        var (net, tax, gross) = TaxCalculator.Compute(amount, rate, includesTax, minor);
        return gross == net + tax && tax.Scale == minor
            && (includesTax ? gross == amount : net == amount)
            && Math.Sign(tax) * Math.Sign(amount) >= 0;
    }

    [ScaledProperty(300)]
    public bool The_reader_never_throws_on_arbitrary_bytes(byte[] bytes)
    {
        var (result, _) = Engine.RunAsync(bytes ?? []).GetAwaiter().GetResult();
        return result.RowsTotal == result.RowsValid + result.RowsRejected && result.Bytes == (bytes?.Length ?? 0);
    }

    [ScaledProperty(300)]
    public bool The_reader_never_throws_on_arbitrary_bytes_after_a_valid_header(byte[] bytes)
    {
        // Bytes biased towards CSV structure (quotes, delimiters, line breaks) so the parser's edges get hit.
        byte[] alphabet = [(byte)'"', (byte)',', (byte)'\n', (byte)'\r', (byte)'a', (byte)'1', 0xC3, 0xA9, 0xFF, (byte)' '];
        var body = (bytes ?? []).Select(b => b % 3 == 0 ? b : alphabet[b % alphabet.Length]).ToArray();
        byte[] input = [.. Encoding.UTF8.GetBytes(Engine.Header + "\n"), .. body];
        var (result, sink) = Engine.RunAsync(input).GetAwaiter().GetResult();
        return result.RowsTotal == sink.Valid.Count + sink.Rejected.Count && result.Bytes == input.Length
            && (result.ErrorCode is null || result.ErrorMessage is not null);
    }
}
