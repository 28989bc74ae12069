using System.Text.Json;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.RunEtl;

/// <summary>
/// Issue 16 item 4 through RunEtl: samples/supplier-eu (Windows-1252, <c>;</c>, decimal commas, day-first dates) under a
/// prefix mapped to its contract in the bucket, against s3rver and the test PostgreSQL. The target table is not created
/// here: RunEtl must create it from the contract, and resolve the contract's <c>builtin:tax_rates.csv</c> without S3.
/// Expected amounts as in the CLI's SupplierEuSampleTests (worked by hand from the built-in tax_rates.csv).
/// </summary>
public sealed class RunEtlSupplierEuTests(S3rverFixture s3rver, PostgresFixture db)
    : IClassFixture<S3rverFixture>, IClassFixture<PostgresFixture>
{
    private const string Mapping = """{"incoming/suppliers/": "contracts/supplier-invoices.contract.json"}""";

    private static string SampleFile(string name) => Path.Combine(RepositoryRoot.Path, "samples", "supplier-eu", name);

    [Fact]
    public async Task Loads_the_european_sample_under_its_prefix_into_a_table_created_from_the_contract()
    {
        using var metrics = new StringWriter();
        await using var secretsManager = new SecretsManagerLoopback((_, _) => RunEtlTestHost.SecretFor(db.ConnectionString));
        await using var handler = RunEtlTestHost.CreateHandler(s3rver, secretsManager, metrics,
            new Dictionary<string, string?> { [EnvironmentVariables.Contracts] = Mapping });
        var bucket = await s3rver.CreateBucketAsync("supplier-eu");
        await s3rver.PutAsync(bucket, "contracts/supplier-invoices.contract.json", await File.ReadAllBytesAsync(SampleFile("supplier-invoices.contract.json")));
        // The file's own bytes: Windows-1252 (0xC4 for Ä, 0x80 for €), which the contract's dialect names.
        var content = await File.ReadAllBytesAsync(SampleFile("invoices.csv"));
        Assert.Contains((byte)0x80, content);
        const string key = "incoming/suppliers/invoices.csv";
        var put = await s3rver.PutAsync(bucket, key, content);

        var response = await handler.HandleAsync(RunEtlTestHost.Event(bucket, key, put.ETag.Trim('"'), content.Length), RunEtlTestHost.Context(), default);
        var summary = JsonDocument.Parse(response).RootElement;

        Assert.True(summary.GetProperty("status").GetString() == "loaded", summary.ToString());
        Assert.Equal(24L, summary.GetProperty("rows_loaded").GetInt64());
        Assert.Equal(("supplier_invoices", "1.0.0"),
            (summary.GetProperty("contract").GetProperty("name").GetString(), summary.GetProperty("contract").GetProperty("version").GetString()));
        Assert.Equal(24L, await ScalarAsync("SELECT count(*) FROM txetl.supplier_invoices"));
        // The refund "€-42,50": DE standard 19 %, -42.50 * 0.19 / 1.19 = -6.7857 -> -6.79.
        Assert.Equal("2024-10-24 Brauhaus Köln DE -35.71 -6.79 -42.50 0.19 DE-STD-2021", await InvoiceAsync("RE-2024-0005"));
        // "EUR 2.437,51" on 31.12.2024, DE groceries 7 %: 2437.51 * 0.07 / 1.07 = 159.4632 -> 159.46.
        Assert.Equal("2024-12-31 Öko-Hof Jäger DE 2278.05 159.46 2437.51 0.07 DE-RED-FOOD-2021", await InvoiceAsync("RE-2024-0007"));
        // Stored as UTF-8 byte for byte (Ö = c3 96, ä = c3 a4), decoded from Windows-1252 (Ö = d6, ä = e4).
        Assert.Equal("c3966b6f2d486f66204ac3a4676572", await ScalarAsync(
            "SELECT encode(convert_to(supplier, 'UTF8'), 'hex') FROM txetl.supplier_invoices WHERE invoice_no = 'RE-2024-0007'"));
    }

    // One line per invoice; ::numeric(20,2) and trim_scale make the text independent of the created columns' scale.
    private Task<object?> InvoiceAsync(string invoiceNo) => ScalarAsync(
        "SELECT to_char(invoice_date, 'YYYY-MM-DD') || ' ' || supplier || ' ' || country || ' ' || net_amount::numeric(20,2) || ' ' || " +
        "tax_amount::numeric(20,2) || ' ' || gross_amount::numeric(20,2) || ' ' || trim_scale(tax_rate) || ' ' || tax_rule_id " +
        $"FROM txetl.supplier_invoices WHERE invoice_no = '{invoiceNo}' AND currency = 'EUR'");

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await db.Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
