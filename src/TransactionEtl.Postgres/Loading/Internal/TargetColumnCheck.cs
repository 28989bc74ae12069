using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Checks, before any COPY, that every column the loader writes has the PostgreSQL type its values are sent as.
/// Binary COPY trusts the column's type: a mismatch either fails deep inside the COPY or, where the byte lengths
/// happen to fit (four bytes of text into an <c>integer</c> column), stores wrong values without any error.
/// Corrections (<c>onExistingKey: update</c>) also stamp <c>loaded_at</c> on the rows they replace and keep it in the
/// history, so under them the column must exist: without it the update would fail mid-load on a bare SQL error.
/// </summary>
internal static class TargetColumnCheck
{
    private const string LoadedAt = "loaded_at";

    /// <exception cref="TransactionEtlException">A column has another type; the message names each one.</exception>
    public static async Task VerifyAsync(
        NpgsqlConnection connection, string table, IReadOnlyList<OutputColumn> columns, bool corrections, string sourceUri,
        CancellationToken cancellationToken)
    {
        var shape = await TableShape.ReadAsync(connection, table, cancellationToken);
        var found = (shape?.Columns ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);

        // A column the table lacks is left to COPY, whose own error names it.
        var problems = new List<string>();
        var written = columns.Select(c => (c.Name, c.Type))
            .Append(("file_id", ColumnType.BigInt)).Append(("source_line", ColumnType.BigInt));
        if (corrections && shape is not null)
        {
            written = written.Append((LoadedAt, ColumnType.Timestamp));
            if (!found.ContainsKey(LoadedAt))
            {
                problems.Add($"column {LoadedAt} is missing, and onExistingKey \"update\" sets it on the rows it replaces; to add it: " +
                             $"ALTER TABLE {table} ADD COLUMN \"{LoadedAt}\" timestamp with time zone NOT NULL DEFAULT now()");
            }
        }

        foreach (var (name, type) in written)
        {
            var expected = PgColumnType.For(type);
            if (found.TryGetValue(name, out var actual) && !expected.Takes(actual.TypeName))
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
