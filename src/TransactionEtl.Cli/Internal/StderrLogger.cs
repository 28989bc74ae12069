using Microsoft.Extensions.Logging;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// The loader's log lines on standard error under <c>--verbose</c>, one plain line each ("txetl: File 3: direct path
/// (...)"): which load path ran, why a direct COPY fell back, a merge retried after a deadlock, a failure's reason.
/// Standard output keeps only the results (<c>--json</c> stays a single JSON document). The loader's messages carry
/// paths, file ids, counts and reasons, never a row or a credential (see the loader's LoaderLog).
/// </summary>
internal sealed class StderrLogger(TextWriter error) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var level = logLevel >= LogLevel.Warning ? logLevel.ToString().ToLowerInvariant() + ": " : "";
        lock (error)
        {
            error.WriteLine("txetl: " + level + Visible.Lines(formatter(state, exception)));
            error.Flush();
        }
    }
}
