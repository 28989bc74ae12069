using System.ComponentModel;
using Spectre.Console.Cli;

namespace TransactionEtl.Cli.Internal;

/// <summary>Options every command accepts; command settings derive from this.</summary>
internal class GlobalSettings : CommandSettings
{
    [CommandOption("--verbose")]
    [Description("On errors, also print the exception's stack trace.")]
    public bool Verbose { get; set; }

    [CommandOption("--database-url <URL>")]
    [Description("Use this PostgreSQL instead of the local one in $TXETL_HOME: a postgres:// URI or a key=value string. Default: $TXETL_DATABASE_URL.")]
    public string? DatabaseUrl { get; set; }
}
