using System.ComponentModel;
using Spectre.Console.Cli;

namespace TransactionEtl.Cli.Commands;

/// <summary>Arguments of <c>txetl lambda invoke</c>.</summary>
internal sealed class LambdaInvokeSettings : CommandSettings
{
    [CommandArgument(0, "<function>")]
    [Description("start-workflow, run-etl or notify-chat")]
    public string Function { get; init; } = string.Empty;

    [CommandOption("--event <FILE>")]
    // Spectre.Console.Cli rejects a bare "-" token, so standard input is spelled --event=- .
    [Description("Event JSON file, or --event=- for standard input (default: {})")]
    public string? Event { get; init; }

    [CommandOption("--verbose")]
    [Description("Show the handler's log lines (JSON, on stderr) at debug level")]
    public bool Verbose { get; init; }
}
