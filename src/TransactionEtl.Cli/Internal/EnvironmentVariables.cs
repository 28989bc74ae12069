namespace TransactionEtl.Cli.Internal;

/// <summary>Every environment variable the CLI reads (documented in README "Using the local database").</summary>
internal static class EnvironmentVariables
{
    /// <summary>Directory holding the local PostgreSQL cluster; default <c>./.txetl/</c>.</summary>
    public const string Home = "TXETL_HOME";

    /// <summary>Same as <c>--database-url</c>; the option wins when both are given.</summary>
    public const string DatabaseUrl = "TXETL_DATABASE_URL";
}
