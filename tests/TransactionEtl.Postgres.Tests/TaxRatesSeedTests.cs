using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests;

/// <summary>
/// The engine taxes with the rules it ships (Core/Reference/tax_rates.csv); the tax_rule_id it stores on each
/// row points into txetl.tax_rates, which migration 0004 seeds. The two copies must say the same.
/// </summary>
public sealed class TaxRatesSeedTests
{
    [Fact]
    public async Task The_seeded_tax_rates_table_holds_exactly_the_engines_default_rules()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT rule_id, country, region, category, rate, price_includes_tax, valid_from, valid_to, coalesce(note, '') FROM txetl.tax_rates",
            connection);
        var seeded = new List<TaxRule>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                seeded.Add(new TaxRule(
                    reader.GetString(0), reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetDecimal(4), reader.GetBoolean(5),
                    reader.GetFieldValue<DateOnly>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7),
                    reader.GetString(8)));
            }
        }

        // numeric(9,6) keeps trailing zeros (0.190000); compare the values, not their scale.
        static string Key(TaxRule r) => string.Join('|', r.RuleId, r.Country, r.Region, r.Category, r.Rate.ToString("G29", System.Globalization.CultureInfo.InvariantCulture),
            r.PriceIncludesTax, r.ValidFrom, r.ValidTo, r.Note);
        Assert.Equal(
            TaxRuleSet.Default.Rules.Select(Key).Order(StringComparer.Ordinal),
            seeded.Select(Key).Order(StringComparer.Ordinal));
    }
}
