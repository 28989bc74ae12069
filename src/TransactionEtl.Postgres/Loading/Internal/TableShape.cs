using Npgsql;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>An existing target table as the catalog describes it: its columns and its primary key.</summary>
internal sealed class TableShape
{
    // A domain is received as its base type; the key columns in key order.
    private const string ColumnsSql =
        "SELECT a.attname, CASE WHEN t.typtype = 'd' THEN b.typname ELSE t.typname END, format_type(a.atttypid, a.atttypmod), a.attnotnull " +
        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type b ON b.oid = t.typbasetype " +
        "WHERE a.attrelid = to_regclass(@table) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

    private const string PrimaryKeySql =
        "SELECT coalesce(string_agg(a.attname::text, chr(31) ORDER BY k.n), '') FROM pg_constraint c " +
        "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) " +
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum " +
        "WHERE c.conrelid = to_regclass(@table) AND c.contype = 'p'";

    private TableShape(IReadOnlyList<TableColumn> columns, IReadOnlyList<string> primaryKey)
    {
        Columns = columns;
        PrimaryKey = primaryKey;
    }

    /// <summary>The columns in table order.</summary>
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>The primary key's columns in key order; empty without one.</summary>
    public IReadOnlyList<string> PrimaryKey { get; }

    /// <summary>The shape of <paramref name="qualifiedTable"/>, or null when no such table exists.</summary>
    public static async Task<TableShape?> ReadAsync(NpgsqlConnection connection, string qualifiedTable, CancellationToken cancellationToken)
    {
        var columns = new List<TableColumn>();
        var command = new NpgsqlCommand(ColumnsSql, connection);
        await using (command)
        {
            command.Parameters.AddWithValue("table", qualifiedTable);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            await using (reader)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    columns.Add(new TableColumn(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
                }
            }
        }

        if (columns.Count == 0)
        {
            return null;
        }

        // Text, not an array: RunEtl's slim Npgsql data source (Native AOT) has no array support.
        var key = await LoaderDb.ScalarAsync<string>(connection, PrimaryKeySql, cancellationToken, ("table", qualifiedTable));
        return new TableShape(columns, string.IsNullOrEmpty(key) ? [] : key.Split('\u001f'));
    }
}
