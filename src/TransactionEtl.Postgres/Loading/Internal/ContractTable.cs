using System.Text.Json;
using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Makes a contract's target table ready inside the load's transaction, before anything is read: created on the
/// contract's first load, given the nullable columns of optional fields a later version adds, and refused, naming
/// every other difference with its migration SQL. Each change and each new contract file is recorded in
/// <c>txetl.contracts</c>; rolled back with the load if the load fails. <c>x-txetl.createTable: false</c> keeps a
/// user's own table as it is and only checks its column types (<see cref="TargetColumnCheck"/>).
/// </summary>
internal static class ContractTable
{
    // Serializes loaders that change the same table; the common case (nothing to change) never takes it.
    private const string LockTable = "SELECT pg_advisory_xact_lock(hashtextextended('txetl:table:' || @table, 0))";

    // The key as text split on the server: RunEtl's slim Npgsql data source (Native AOT) cannot send arrays.
    private const string CreateTableSql = "SELECT txetl.contract_create_table(@table, @columns::jsonb, string_to_array(@primary_key, chr(31)))";

    private const string AddColumnSql = "SELECT txetl.contract_add_column(@table, @column, @type)";

    private const string HistoryExistsSql = "SELECT to_regclass(@history) IS NOT NULL";

    private const string CreateHistorySql = "SELECT txetl.contract_create_history(@table)";

    // A change is always recorded; a contract file the table has not seen yet is recorded once, as adopting the table
    // (the first record of it: made by a migration or by hand) or as unchanged.
    private const string Record =
        "INSERT INTO txetl.contracts (name, version, sha256, target_table, action, ddl) " +
        "SELECT @name, @version, @sha256, @table, CASE WHEN @ddl::text IS NOT NULL THEN @action::text " +
        "WHEN EXISTS (SELECT 1 FROM txetl.contracts WHERE target_table = @table) THEN 'unchanged' ELSE 'adopted' END, @ddl::text " +
        "WHERE @ddl::text IS NOT NULL OR NOT EXISTS (SELECT 1 FROM txetl.contracts WHERE target_table = @table AND sha256 = @sha256)";

    /// <exception cref="TransactionEtlException">The table cannot take the contract's rows; the message says why and how to migrate.</exception>
    public static async Task EnsureAsync(NpgsqlConnection connection, Contract contract, string sourceUri, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(connection, contract, sourceUri, cancellationToken);
        if (contract.OnExistingKey == OnExistingKey.Update)
        {
            await EnsureHistoryAsync(connection, contract, sourceUri, cancellationToken);
        }
    }

    /// <summary>
    /// Corrections need <c>&lt;table&gt;_history</c>. A table created from a contract has it (migration 0007 added it to
    /// the older ones); should it be missing, the loader adds it through migration 0007's function. A user's own table
    /// (<c>createTable: false</c>) gets nothing from the loader: the message gives the DDL to run.
    /// </summary>
    private static async Task EnsureHistoryAsync(NpgsqlConnection connection, Contract contract, string sourceUri, CancellationToken cancellationToken)
    {
        var history = ContractDdl.HistoryTable(contract) ?? throw new TransactionEtlException(
            $"{sourceUri}: contract {contract.Name} says onExistingKey \"update\", but table txetl.{contract.TargetTable} has a name too long " +
            "for its history table (<table>_history must fit PostgreSQL's 63 characters); nothing was loaded. Load into a shorter x-txetl.table.");
        if (await LoaderDb.ScalarAsync<bool>(connection, HistoryExistsSql, cancellationToken, ("history", ContractDdl.QualifiedTable(history))))
        {
            return;
        }

        if (!contract.CreateTable)
        {
            throw new TransactionEtlException(
                $"{sourceUri}: contract {contract.Name} says onExistingKey \"update\", but txetl.{history}, where corrections keep the rows they " +
                $"replace, does not exist; nothing was loaded. Run as the table's owner: {ContractDdl.CreateHistory(contract)!.ReplaceLineEndings(" ")}");
        }

        await LoaderDb.ExecuteAsync(connection, LockTable, cancellationToken, ("table", contract.TargetTable));
        await LoaderDb.ScalarAsync<string>(connection, CreateHistorySql, cancellationToken, ("table", contract.TargetTable));
    }

    private static async Task EnsureTableAsync(NpgsqlConnection connection, Contract contract, string sourceUri, CancellationToken cancellationToken)
    {
        ContractDdl.EnsureLoadable(contract);
        var table = ContractDdl.QualifiedTable(contract.TargetTable);
        if (!contract.CreateTable)
        {
            await TargetColumnCheck.VerifyAsync(
                connection, table, contract.OutputColumns, contract.OnExistingKey == OnExistingKey.Update, sourceUri, cancellationToken);
            return;
        }

        var shape = await TableShape.ReadAsync(connection, table, cancellationToken);
        if (shape is not null && Check(shape, contract, sourceUri).Additions.Count == 0)
        {
            await RecordAsync(connection, contract, "unchanged", null, cancellationToken);
            return;
        }

        // Something to change: look again under the lock, another loader may have made the change meanwhile.
        await LoaderDb.ExecuteAsync(connection, LockTable, cancellationToken, ("table", contract.TargetTable));
        shape = await TableShape.ReadAsync(connection, table, cancellationToken);
        if (shape is null)
        {
            var ddl = await LoaderDb.ScalarAsync<string>(connection, CreateTableSql, cancellationToken,
                ("table", contract.TargetTable), ("columns", ColumnsJson(contract)), ("primary_key", string.Join('\u001f', contract.PrimaryKey)));
            await RecordAsync(connection, contract, "created", ddl, cancellationToken);
            return;
        }

        var applied = new List<string>();
        foreach (var column in Check(shape, contract, sourceUri).Additions)
        {
            applied.Add((await LoaderDb.ScalarAsync<string>(connection, AddColumnSql, cancellationToken,
                ("table", contract.TargetTable), ("column", column.Name), ("type", PgColumnType.For(column.Type).Ddl)))!);
        }

        await RecordAsync(connection, contract, "added_columns", applied.Count == 0 ? null : string.Join('\n', applied), cancellationToken);
    }

    /// <exception cref="TransactionEtlException">A difference other than new optional fields.</exception>
    private static TableChanges Check(TableShape shape, Contract contract, string sourceUri)
    {
        var changes = TableChanges.Between(shape, contract);
        if (changes.Problems.Count > 0)
        {
            throw new TransactionEtlException(
                $"{sourceUri}: contract {contract.Name} {contract.Version} does not match table txetl.{contract.TargetTable}, so nothing was loaded: " +
                $"{string.Join(" ", changes.Problems.Select((p, i) => $"({i + 1}) {p}"))} The loader adds nullable columns for new optional fields and " +
                "changes nothing else: run the SQL as the table's owner and load again, or load into a new table (x-txetl.table). " +
                "docs/contracts.md, \"Target tables\".");
        }

        return changes;
    }

    private static Task<long> RecordAsync(NpgsqlConnection connection, Contract contract, string action, string? ddl, CancellationToken cancellationToken) =>
        LoaderDb.ExecuteAsync(connection, Record, cancellationToken,
            ("name", contract.Name), ("version", contract.Version), ("sha256", contract.Sha256),
            ("table", contract.TargetTable), ("action", action), ("ddl", ddl));

    /// <summary>The contract's columns as <c>txetl.contract_create_table</c> takes them: [{"name", "type", "notNull", "unique"}].</summary>
    private static string ColumnsJson(Contract contract)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var column in contract.OutputColumns)
            {
                json.WriteStartObject();
                json.WriteString("name", column.Name);
                json.WriteString("type", PgColumnType.For(column.Type).Ddl);
                json.WriteBoolean("notNull", !column.Nullable);
                json.WriteBoolean("unique", ContractDdl.HasUniqueConstraint(contract, column));
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
