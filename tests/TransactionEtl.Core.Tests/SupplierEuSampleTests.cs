namespace TransactionEtl.Core.Tests;

/// <summary>
/// samples/supplier-eu (issue 16 item 4) read by the engine with its own contract: Windows-1252 bytes, <c>;</c>,
/// CRLF, <c>%d.%m.%Y</c> dates, amounts such as <c>EUR 1.494,87</c>, <c>2.148,04€</c> and <c>€-42,50</c>.
/// The amounts are the tax step's, worked out by hand from the builtin rules (all tax-inclusive).
/// </summary>
public sealed class SupplierEuSampleTests
{
    private static readonly string SampleDirectory = Path.Combine(RepoRoot.Path, "samples", "supplier-eu");

    [Fact]
    public async Task Every_row_of_the_european_sample_is_valid_with_its_decimal_comma_amounts_and_day_first_dates()
    {
        var contract = Contract.Load(Path.Combine(SampleDirectory, "supplier-invoices.contract.json"));

        var (result, sink) = await Engine.RunAsync(File.ReadAllBytes(Path.Combine(SampleDirectory, "invoices.csv")), contract);

        Assert.Null(result.ErrorCode);
        Assert.Equal((24L, 24L, 0L), (result.RowsTotal, result.RowsValid, result.RowsRejected));
        Assert.Empty(sink.Rejected);
        var columns = contract.OutputColumns.Select(c => c.Name).ToList();
        Assert.Equal(
            ["invoice_no", "invoice_date", "supplier", "currency", "country", "category",
             "net_amount", "tax_amount", "gross_amount", "tax_rate", "tax_rule_id"],
            columns);
        object?[] Row(string invoiceNo) => sink.Valid.Single(r => (string?)r.Values[0] == invoiceNo).Values;
        (DateOnly Date, string Supplier, decimal Net, decimal Tax, decimal Gross) Parsed(string invoiceNo)
        {
            var values = Row(invoiceNo);
            return ((DateOnly)values[columns.IndexOf("invoice_date")]!, (string)values[columns.IndexOf("supplier")]!,
                (decimal)values[columns.IndexOf("net_amount")]!, (decimal)values[columns.IndexOf("tax_amount")]!,
                (decimal)values[columns.IndexOf("gross_amount")]!);
        }

        // "2.148,04€", DE groceries 7 %: 2148.04 * 0.07 / 1.07 = 140.5260 -> 140.53.
        Assert.Equal((new DateOnly(2023, 8, 8), "Bäckerei Groß", 2007.51m, 140.53m, 2148.04m), Parsed("RE-2023-0002"));
        // "€-42,50", DE standard 19 %: -6.7857 -> -6.79.
        Assert.Equal((new DateOnly(2024, 10, 24), "Brauhaus Köln", -35.71m, -6.79m, -42.50m), Parsed("RE-2024-0005"));
        // "EUR 2.437,51" on 31.12.2024; "1.177,16" on 29.02.2024.
        Assert.Equal((new DateOnly(2024, 12, 31), "Öko-Hof Jäger", 2278.05m, 159.46m, 2437.51m), Parsed("RE-2024-0007"));
        Assert.Equal((new DateOnly(2024, 2, 29), "Müller & Söhne GmbH", 989.21m, 187.95m, 1177.16m), Parsed("RE-2024-0008"));
        // The amounts keep the euro's two decimals (not 2148.0400 or 2148.04000...).
        Assert.Equal(2, Parsed("RE-2023-0002").Gross.Scale);
    }
}
