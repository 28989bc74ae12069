using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// What stands between an existing target table and a contract: the optional fields the contract adds (the loader adds
/// them as nullable columns) and every other difference, each with the SQL a user would run to migrate. Only a table
/// with no other difference is loaded into.
/// </summary>
internal sealed class TableChanges
{
    private TableChanges(IReadOnlyList<OutputColumn> additions, IReadOnlyList<string> problems)
    {
        Additions = additions;
        Problems = problems;
    }

    /// <summary>Optional output columns the table lacks, in contract order.</summary>
    public IReadOnlyList<OutputColumn> Additions { get; }

    /// <summary>One sentence per breaking difference, naming the column, old and new, and the migration SQL.</summary>
    public IReadOnlyList<string> Problems { get; }

    public static TableChanges Between(TableShape table, Contract contract)
    {
        var name = ContractDdl.QualifiedTable(contract.TargetTable);
        var existing = table.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var wanted = contract.OutputColumns.Select(c => c.Name).Concat(ContractDdl.BookkeepingColumns).ToHashSet(StringComparer.Ordinal);
        var additions = new List<OutputColumn>();
        var problems = new List<string>();
        foreach (var column in contract.OutputColumns)
        {
            var type = PgColumnType.For(column.Type);
            if (!existing.TryGetValue(column.Name, out var found))
            {
                if (column.Nullable)
                {
                    additions.Add(column);
                }
                else
                {
                    problems.Add($"column {column.Name} is new and required ({type.Ddl} NOT NULL), so the rows stored have no value for it; " +
                                 $"to migrate: ALTER TABLE {name} ADD COLUMN {PgIdentifier.Quote(column.Name)} {type.Ddl}; " +
                                 $"UPDATE {name} SET {PgIdentifier.Quote(column.Name)} = <value>; " +
                                 $"ALTER TABLE {name} ALTER COLUMN {PgIdentifier.Quote(column.Name)} SET NOT NULL;");
                }
                continue;
            }

            if (!type.Takes(found.TypeName))
            {
                problems.Add($"column {column.Name} is {found.Formatted} but its values are {type.Shown}; to migrate: " +
                             $"ALTER TABLE {name} ALTER COLUMN {PgIdentifier.Quote(column.Name)} TYPE {type.Ddl} USING {PgIdentifier.Quote(column.Name)}::{type.Ddl};");
            }

            if (!column.Nullable && !found.NotNull)
            {
                problems.Add($"column {column.Name} is nullable in the table but required in the contract; to migrate (once no row holds null): " +
                             $"ALTER TABLE {name} ALTER COLUMN {PgIdentifier.Quote(column.Name)} SET NOT NULL;");
            }
            else if (column.Nullable && found.NotNull)
            {
                problems.Add($"column {column.Name} is NOT NULL in the table but optional in the contract; to migrate: " +
                             $"ALTER TABLE {name} ALTER COLUMN {PgIdentifier.Quote(column.Name)} DROP NOT NULL;");
            }
        }

        foreach (var gone in table.Columns.Where(c => !wanted.Contains(c.Name)))
        {
            problems.Add(Removed(name, gone, additions));
        }

        if (!table.PrimaryKey.SequenceEqual(contract.PrimaryKey, StringComparer.Ordinal))
        {
            problems.Add(PrimaryKeyChanged(name, contract, table.PrimaryKey));
        }

        return new TableChanges(additions, problems);
    }

    /// <summary>A column the contract no longer produces: dropped, or renamed when a new column of its type appears.</summary>
    private static string Removed(string name, TableColumn gone, IReadOnlyList<OutputColumn> additions)
    {
        var renamedTo = additions.Where(a => PgColumnType.For(a.Type).Takes(gone.TypeName)).Select(a => a.Name).ToList();
        var rename = renamedTo.Count == 1
            ? $"if it was renamed to {renamedTo[0]}: ALTER TABLE {name} RENAME COLUMN {PgIdentifier.Quote(gone.Name)} TO {PgIdentifier.Quote(renamedTo[0])}; "
            : "";
        return $"column {gone.Name} ({gone.Formatted}) is in the table but no field of the contract produces it (removed or renamed); " +
               $"to migrate: {rename}to drop it with its data: ALTER TABLE {name} DROP COLUMN {PgIdentifier.Quote(gone.Name)};";
    }

    private static string PrimaryKeyChanged(string name, Contract contract, IReadOnlyList<string> old)
    {
        var shownOld = old.Count == 0 ? "none" : "(" + string.Join(", ", old) + ")";
        var shownNew = contract.PrimaryKey.Count == 0 ? "none" : "(" + string.Join(", ", contract.PrimaryKey) + ")";
        var drop = old.Count == 0 ? "" : $"ALTER TABLE {name} DROP CONSTRAINT {PgIdentifier.Quote(contract.TargetTable + "_pkey")}; ";
        var add = contract.PrimaryKey.Count == 0 ? "" :
            $"ALTER TABLE {name} ADD PRIMARY KEY ({string.Join(", ", contract.PrimaryKey.Select(PgIdentifier.Quote))});";
        return $"primary key is {shownOld} in the table but {shownNew} in the contract; to migrate (the constraint's name is in \\d {contract.TargetTable}): {drop}{add}".TrimEnd();
    }
}
