using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// Issue 16 item 4: samples/supplier-eu (Windows-1252, <c>;</c>, decimal commas, currency symbols, <c>%d.%m.%Y</c>)
/// loaded with <c>txetl run --contract</c> into the fixture's PostgreSQL, and the stored values read back.
/// The expected amounts were worked out by hand from src/TransactionEtl.Core/Reference/tax_rates.csv
/// (every rule there is tax-inclusive: tax = round(gross * r / (1 + r)), net = gross - tax).
/// </summary>
public sealed class SupplierEuSampleTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-supplier-eu-");

    public void Dispose() => _dir.Dispose();

    private static string Sample => Path.Combine(RunTestSupport.SamplesDirectory, "supplier-eu", "invoices.csv");

    private static string ContractFile => Path.Combine(RunTestSupport.SamplesDirectory, "supplier-eu", "supplier-invoices.contract.json");

    [Fact]
    public async Task Loads_the_european_sample_with_its_decimals_dates_and_names_and_a_rerun_is_already_loaded()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;

        var first = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--json", "--contract", ContractFile, Sample);
        var second = await RunTestSupport.RunAsync(work, "run", "--database-url", db.ConnectionString, "--json", "--contract", ContractFile, Sample);

        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        var summary = Assert.Single(RunTestSupport.Summaries(first.Stdout));
        Assert.Equal((FileStatus.Loaded, 24L, 24L, 0L), (summary.Status, summary.RowsTotal, summary.RowsLoaded, summary.RowsRejected));
        Assert.Equal(FileStatus.AlreadyLoaded, Assert.Single(RunTestSupport.Summaries(second.Stdout)).Status);

        // DE groceries in 2023: DE-RED-FOOD-2021, 7 %. 2148.04 * 0.07 / 1.07 = 140.5260 -> 140.53.
        Assert.Equal(
            new Invoice(new DateOnly(2023, 8, 8), "Bäckerei Groß", "DE", "groceries", 2007.51m, 140.53m, 2148.04m, 0.07m, "DE-RED-FOOD-2021"),
            await InvoiceAsync("RE-2023-0002"));
        // The refund, written "€-42,50": DE standard 19 %. -42.50 * 0.19 / 1.19 = -6.7857 -> -6.79 (symmetric).
        Assert.Equal(
            new Invoice(new DateOnly(2024, 10, 24), "Brauhaus Köln", "DE", null, -35.71m, -6.79m, -42.50m, 0.19m, "DE-STD-2021"),
            await InvoiceAsync("RE-2024-0005"));
        // "EUR 2.437,51" on 31.12.2024: 2437.51 * 0.07 / 1.07 = 159.4632 -> 159.46.
        Assert.Equal(
            new Invoice(new DateOnly(2024, 12, 31), "Öko-Hof Jäger", "DE", "groceries", 2278.05m, 159.46m, 2437.51m, 0.07m, "DE-RED-FOOD-2021"),
            await InvoiceAsync("RE-2024-0007"));
        // A leap day, no symbol: 1177.16 * 0.19 / 1.19 = 187.9499 -> 187.95.
        Assert.Equal(
            new Invoice(new DateOnly(2024, 2, 29), "Müller & Söhne GmbH", "DE", null, 989.21m, 187.95m, 1177.16m, 0.19m, "DE-STD-2021"),
            await InvoiceAsync("RE-2024-0008"));
        // FR restaurants, 10 %: 1494.87 * 0.10 / 1.10 = 135.8973 -> 135.90.
        Assert.Equal(
            new Invoice(new DateOnly(2024, 8, 12), "Crêperie Bretonne SARL", "FR", "restaurants", 1358.97m, 135.90m, 1494.87m, 0.10m, "FR-INT-RESTAURANTS"),
            await InvoiceAsync("RE-2024-0001"));

        // The whole file: 15 DE and 9 FR rows, gross as the file sums it (computed from the CSV with Python's
        // decimal), and names stored as UTF-8 (the server's encoding) byte for byte, decoded from Windows-1252.
        Assert.Equal("24 15 9 60536.43 5737.86", await ScalarAsync(
            "SELECT count(*) || ' ' || count(*) FILTER (WHERE country = 'DE') || ' ' || count(*) FILTER (WHERE country = 'FR') || ' ' || " +
            "sum(gross_amount)::numeric(20,2) || ' ' || sum(tax_amount)::numeric(20,2) FROM txetl.supplier_invoices"));
        Assert.Equal("UTF8", await ScalarAsync("SHOW server_encoding"));
        // The first load created the table from the contract (nobody else does here).
        Assert.Equal("created", await ScalarAsync("SELECT action FROM txetl.contracts WHERE target_table = 'supplier_invoices' ORDER BY applied_at LIMIT 1"));
        // In invoice_no order: Crêperie (ê = c3 aa), Öko-Hof Jäger (Ö = c3 96, ä = c3 a4), Müller & Söhne (ü = c3 bc, ö = c3 b6).
        Assert.Equal(
            "4372c3aa706572696520427265746f6e6e65205341524c|c3966b6f2d486f66204ac3a4676572|4dc3bc6c6c657220262053c3b6686e6520476d6248",
            await ScalarAsync(
                "SELECT string_agg(encode(convert_to(supplier, 'UTF8'), 'hex'), '|' ORDER BY invoice_no) " +
                "FROM txetl.supplier_invoices WHERE invoice_no IN ('RE-2024-0001', 'RE-2024-0007', 'RE-2024-0008')"));
    }

    private async Task<Invoice> InvoiceAsync(string invoiceNo)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT invoice_date, supplier, country, category, net_amount, tax_amount, gross_amount, tax_rate, tax_rule_id " +
            "FROM txetl.supplier_invoices WHERE invoice_no = @no AND currency = 'EUR'", connection);
        command.Parameters.AddWithValue("no", invoiceNo);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), invoiceNo + " not stored");
        return new Invoice(
            reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetDecimal(4), reader.GetDecimal(5), reader.GetDecimal(6), reader.GetDecimal(7), reader.GetString(8));
    }

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    // Decimal equality ignores trailing zeros (140.53m == 140.5300m), so numeric(20,4) compares to the cent.
    private sealed record Invoice(
        DateOnly Date, string Supplier, string Country, string? Category,
        decimal Net, decimal Tax, decimal Gross, decimal Rate, string RuleId);
}
