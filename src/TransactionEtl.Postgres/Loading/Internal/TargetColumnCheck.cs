using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Checks, before any COPY, that every column the loader writes has the PostgreSQL type its values are sent as.
/// Binary COPY trusts the column's type: a mismatch either fails deep inside the COPY or, where the byte lengths
/// happen to fit (four bytes of text into an <c>integer</c> column), stores wrong values without any error.
/// </summary>
internal static class TargetColumnCheck
{
    // A domain is received as its base type.
    private const string ColumnTypes =
        "SELECT a.attname, CASE WHEN t.typtype = 'd' THEN b.typname ELSE t.typname END, format_type(a.atttypid, a.atttypmod) " +
        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type b ON b.oid = t.typbasetype " +
        "WHERE a.attrelid = to_regclass(@table) AND a.attnum > 0 AND NOT a.attisdropped";

    /// <exception cref="TransactionEtlException">A column has another type; the message names each one.</exception>
    public static async Task VerifyAsync(
        NpgsqlConnection connection, string table, IReadOnlyList<OutputColumn> columns, string sourceUri, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, (string Type, string Formatted)>(StringComparer.Ordinal);
        var command = new NpgsqlCommand(ColumnTypes, connection);
        await using (command)
        {
            command.Parameters.AddWithValue("table", table);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            await using (reader)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    found[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2));
                }
            }
        }

        // A column the table lacks is left to COPY, whose own error names it.
        var problems = new List<string>();
        var written = columns.Select(c => (c.Name, c.Type))
            .Append(("file_id", ColumnType.BigInt)).Append(("source_line", ColumnType.BigInt));
        foreach (var (name, type) in written)
        {
            var expected = PgColumnType.For(type);
            if (found.TryGetValue(name, out var actual) && !expected.Takes(actual.Type))
            {
                problems.Add($"column {name} is {actual.Formatted} but its values are {expected.Shown}");
            }
        }

        if (problems.Count > 0)
        {
            throw new TransactionEtlException(
                $"{sourceUri}: {table} does not match the contract: {string.Join("; ", problems)}. The loader sends values in " +
                "COPY's binary format, so each column must have its output type's PostgreSQL type (docs/contracts.md). Nothing was loaded.");
        }
    }
}
