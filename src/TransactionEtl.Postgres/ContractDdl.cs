using System.Text;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres;

/// <summary>
/// The DDL of a contract's target table: what the loader runs on a contract's first load (through migration 0006's
/// <c>txetl.contract_create_table</c>, which builds the same text on the server) and what <c>txetl contract ddl</c>
/// prints for a table a user creates by hand (<c>x-txetl.createTable: false</c>).
/// </summary>
public static class ContractDdl
{
    /// <summary>The loader's own columns after the contract's, in every target table.</summary>
    public static IReadOnlyList<string> BookkeepingColumns { get; } = ["file_id", "source_line", "loaded_at"];

    // The project's own tables: a contract naming one would be loaded into the ledger.
    // 63 (PostgreSQL's identifier limit) less "_history".
    private const int MaxHistoryBaseLength = 55;

    private static readonly string[] ReservedTables = ["ingestion_files", "rejected_rows", "tax_rates", "contracts", "schemaversions", "transactions_history"];

    /// <summary>
    /// CREATE TABLE with the contract's output columns and types, NOT NULL for required fields, the primary key, the
    /// <c>file_id</c> reference to the ledger and an index on it, and the loader role's grant.
    /// </summary>
    /// <exception cref="TransactionEtlException">The contract cannot have a table: it names one of the project's tables, or a column the loader adds itself.</exception>
    public static string CreateTable(Contract contract)
    {
        EnsureLoadable(contract);
        var table = QualifiedTable(contract.TargetTable);
        var body = new StringBuilder();
        foreach (var column in contract.OutputColumns)
        {
            body.Append("    ").Append(PgIdentifier.Quote(column.Name)).Append(' ').Append(PgColumnType.For(column.Type).Ddl)
                .Append(column.Nullable ? "" : " NOT NULL").Append(HasUniqueConstraint(contract, column) ? " UNIQUE" : "").Append(",\n");
        }

        body.Append("    \"file_id\" bigint NOT NULL REFERENCES \"txetl\".\"ingestion_files\" (\"file_id\"),\n")
            .Append("    \"source_line\" bigint NOT NULL,\n")
            .Append("    \"loaded_at\" timestamp with time zone NOT NULL DEFAULT now()");
        if (contract.PrimaryKey.Count > 0)
        {
            body.Append(",\n    PRIMARY KEY (").Append(string.Join(", ", contract.PrimaryKey.Select(PgIdentifier.Quote))).Append(')');
        }

        var history = CreateHistory(contract);
        return $"CREATE TABLE {table} (\n{body}\n);\n" +
               $"CREATE INDEX ON {table} (\"file_id\");\n" +
               $"GRANT SELECT, INSERT ON {table} TO txetl_loader;" + (history is null ? "" : "\n" + history);
    }

    /// <summary>
    /// The history table of a contract's table, <c>&lt;table&gt;_history</c>, where <c>onExistingKey: update</c> keeps the
    /// versions it replaced; null when that name would be longer than a PostgreSQL identifier (such a table takes no
    /// corrections).
    /// </summary>
    public static string? HistoryTable(Contract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return contract.TargetTable.Length > MaxHistoryBaseLength ? null : contract.TargetTable + "_history";
    }

    /// <summary>
    /// CREATE TABLE of the history table (the stored row's columns, then who replaced it and when) and the loader role's
    /// grants for corrections: INSERT on the history, UPDATE on every column but the key's. Null as for
    /// <see cref="HistoryTable"/>. Migration 0007's <c>txetl.contract_history_statements</c> builds the same text.
    /// </summary>
    public static string? CreateHistory(Contract contract)
    {
        if (HistoryTable(contract) is not { } name)
        {
            return null;
        }

        var table = QualifiedTable(contract.TargetTable);
        var history = QualifiedTable(name);
        var updatable = contract.OutputColumns.Select(c => c.Name).Where(c => !contract.PrimaryKey.Contains(c, StringComparer.Ordinal))
            .Concat(BookkeepingColumns).Select(PgIdentifier.Quote);
        return $"CREATE TABLE {history} (LIKE {table}, \"replaced_by_file_id\" bigint NOT NULL REFERENCES \"txetl\".\"ingestion_files\" (\"file_id\"), " +
               "\"replaced_at\" timestamp with time zone NOT NULL DEFAULT now());\n" +
               $"GRANT INSERT ON {history} TO txetl_loader;\n" +
               $"GRANT UPDATE ({string.Join(", ", updatable)}) ON {table} TO txetl_loader;";
    }

    /// <summary>ALTER TABLE ... ADD COLUMN for an optional field a later contract version adds (always nullable).</summary>
    public static string AddColumn(string table, OutputColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return $"ALTER TABLE {QualifiedTable(table)} ADD COLUMN {PgIdentifier.Quote(column.Name)} {PgColumnType.For(column.Type).Ddl};";
    }

    /// <summary>
    /// Whether a created table gives the column a UNIQUE constraint: a <c>unique</c> field's column, so that a value
    /// another file stored is a per-row <c>unique-error</c> (the loader checks columns with a one-column unique index).
    /// Not a <c>point</c> (PostgreSQL has no btree equality for it), nor a column that alone is the primary key.
    /// </summary>
    internal static bool HasUniqueConstraint(Contract contract, OutputColumn column) =>
        column.Unique && column.Type != ColumnType.Point
        && !(contract.PrimaryKey.Count == 1 && contract.PrimaryKey[0] == column.Name);

    /// <summary>The PostgreSQL type a created table gives a column of <paramref name="type"/>.</summary>
    public static string SqlType(ColumnType type) => PgColumnType.For(type).Ddl;

    /// <summary>"txetl"."name", as every statement of this class writes it.</summary>
    internal static string QualifiedTable(string table) => $"{PgIdentifier.Quote(DatabaseMigrator.Schema)}.{PgIdentifier.Quote(table)}";

    /// <summary>Refuses a contract whose rows no table could take (see <see cref="CreateTable"/>).</summary>
    /// <exception cref="TransactionEtlException">It names one of the project's tables, or a column the loader adds itself.</exception>
    public static void EnsureLoadable(Contract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        if (ReservedTables.Contains(contract.TargetTable, StringComparer.Ordinal))
        {
            throw new TransactionEtlException(
                $"{contract.Source}: x-txetl.table: '{contract.TargetTable}' is one of txetl's own tables; name another table.");
        }

        var clash = contract.OutputColumns.FirstOrDefault(c => BookkeepingColumns.Contains(c.Name, StringComparer.Ordinal));
        if (clash is not null)
        {
            throw new TransactionEtlException(
                $"{contract.Source}: output column '{clash.Name}' is one the loader adds to every table ({string.Join(", ", BookkeepingColumns)}); " +
                "rename it with the field's x-txetl.column.");
        }
    }
}
