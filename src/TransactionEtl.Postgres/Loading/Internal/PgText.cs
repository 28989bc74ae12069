namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// PostgreSQL <c>text</c> and <c>jsonb</c> cannot hold U+0000, so a rejected record (or a header, or a message
/// quoting one) with a NUL byte would make the whole COPY fail and the file end <c>failed</c> instead of its bad
/// rows being rejected. Such characters are stored as U+2400 (SYMBOL FOR NULL, "␀"), the conventional visible
/// stand-in; every other character is kept exactly. docs/reliability.md names this one exception to
/// "raw text byte for byte".
/// </summary>
internal static class PgText
{
    public const char NulStandIn = '\u2400';

    public static string Storable(string value) => value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', NulStandIn) : value;

    public static string? StorableOrNull(string? value) => value is null ? null : Storable(value);
}
