using System.CommandLine;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// The options every command takes. Recursive, so they may stand before the command as well as after it:
/// <c>txetl --verbose db migrate</c> is <c>txetl db migrate --verbose</c>. One instance per parse, because
/// a System.CommandLine symbol remembers the commands it was added to.
/// </summary>
internal sealed class GlobalOptions
{
    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "On errors, also print the exception's stack trace; run and watch also print the loader's log on stderr.",
        Recursive = true,
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "Print no progress bar, result table or notice; errors still go to stderr and the exit code tells the outcome. " +
            "Output asked for (--json, db url, rejects --csv) is still printed.",
        Recursive = true,
    };

    public Option<string?> DatabaseUrl { get; } = new("--database-url")
    {
        HelpName = "URL",
        Description = "Use this PostgreSQL instead of the local one in $TXETL_HOME: a postgres:// URI or a key=value string. Default: $TXETL_DATABASE_URL.",
        Recursive = true,
    };

    /// <summary>Copies the global option values of <paramref name="parse"/> into <paramref name="settings"/>.</summary>
    public T Fill<T>(T settings, ParseResult parse)
        where T : GlobalSettings
    {
        settings.Verbose = parse.GetValue(Verbose);
        settings.DatabaseUrl = parse.GetValue(DatabaseUrl);
        return settings;
    }
}
