using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// SQL identifier quoting, kept next to the SQL that needs it rather than in Core's public API. Contract names are
/// refused unless they match <c>^[a-z_][a-z0-9_]*$</c>; quoting is the second line of defence.
/// </summary>
internal static class PgIdentifier
{
    /// <summary>Wraps <paramref name="identifier"/> in double quotes, doubling any it contains.</summary>
    public static string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>The contract names a table; the loader's tables all live in the project's schema.</summary>
    public static string TargetTable(Contract contract) => $"{Quote(DatabaseMigrator.Schema)}.{Quote(contract.TargetTable)}";

    /// <summary>"a", "b", ... : the contract's output columns, quoted, in COPY order.</summary>
    public static string ColumnList(Contract contract, string prefix = "") =>
        string.Join(", ", contract.OutputColumns.Select(c => prefix + Quote(c.Name)));
}
