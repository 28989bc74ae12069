namespace TransactionEtl.Cli.Internal;

/// <summary>Every environment variable the CLI reads (documented in README "Using the local database").</summary>
internal static class EnvironmentVariables
{
    /// <summary>Directory holding the local PostgreSQL cluster; default <c>./.txetl/</c>.</summary>
    public const string Home = "TXETL_HOME";

    /// <summary>Same as <c>--database-url</c>; the option wins when both are given.</summary>
    public const string DatabaseUrl = "TXETL_DATABASE_URL";

    /// <summary>
    /// The POSIX locale variables, in the order they decide the character set (the first one set wins): box-drawing
    /// table borders only when it is UTF-8 (<see cref="CliEnvironment.Unicode"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> Locale = ["LC_ALL", "LC_CTYPE", "LANG"];
}
