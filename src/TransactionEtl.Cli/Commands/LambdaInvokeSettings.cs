namespace TransactionEtl.Cli.Commands;

/// <summary>Arguments of <c>txetl lambda invoke</c>.</summary>
internal sealed class LambdaInvokeSettings
{
    /// <summary>start-workflow, run-etl, notify-chat or migrate.</summary>
    public string Function { get; init; } = string.Empty;

    /// <summary>Event JSON file, or <c>-</c> for standard input; null for <c>{}</c>.</summary>
    public string? Event { get; init; }

    /// <summary>The global <c>--verbose</c>: the handler logs at debug level.</summary>
    public bool Verbose { get; init; }
}
