using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The one mapping from a contract's <see cref="ColumnType"/> to PostgreSQL: the type a created table's column gets,
/// the type names (<c>pg_type.typname</c>) whose columns take the values' binary form, and the name shown in messages.
/// A new column type is one new case here; the created DDL, the table comparison and the type check all follow.
/// </summary>
/// <param name="Ddl">The column type in CREATE TABLE, spelled as <c>format_type()</c> spells it (migration 0006 checks that).</param>
/// <param name="Accepted">The type names an existing column may have.</param>
/// <param name="Shown">The type in messages.</param>
internal sealed record PgColumnType(string Ddl, string[] Accepted, string Shown)
{
    public static PgColumnType For(ColumnType type) => type switch
    {
        ColumnType.Text => new("text", ["text", "varchar", "bpchar"], "text (text, varchar or char columns take them)"),
        ColumnType.Boolean => new("boolean", ["bool"], "boolean"),
        ColumnType.BigInt => new("bigint", ["int8"], "bigint"),
        ColumnType.Numeric => new("numeric", ["numeric"], "numeric"),
        ColumnType.Date => new("date", ["date"], "date"),
        ColumnType.Timestamp => new("timestamp with time zone", ["timestamptz"], "timestamptz"),
        ColumnType.Int4 => new("integer", ["int4"], "integer"),
        ColumnType.Time => new("time without time zone", ["time"], "time"),
        ColumnType.Interval => new("interval", ["interval"], "interval"),
        ColumnType.Uuid => new("uuid", ["uuid"], "uuid"),
        ColumnType.Bytea => new("bytea", ["bytea"], "bytea"),
        ColumnType.Jsonb => new("jsonb", ["jsonb"], "jsonb"),
        ColumnType.Point => new("point", ["point"], "point"),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no PostgreSQL type for this column type; add it here"),
    };

    /// <summary>Whether a column of <paramref name="typeName"/> (a domain's base type) takes these values.</summary>
    public bool Takes(string typeName) => Accepted.Contains(typeName, StringComparer.Ordinal);
}
