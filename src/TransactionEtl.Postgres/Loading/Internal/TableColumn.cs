namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>One column of an existing table.</summary>
/// <param name="Name">The column name.</param>
/// <param name="TypeName">Its <c>pg_type.typname</c> (a domain's base type).</param>
/// <param name="Formatted">Its type as <c>format_type()</c> shows it, e.g. <c>numeric(20,4)</c>.</param>
/// <param name="NotNull">Whether it is NOT NULL.</param>
internal sealed record TableColumn(string Name, string TypeName, string Formatted, bool NotNull);
