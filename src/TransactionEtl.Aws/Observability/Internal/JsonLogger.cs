using Microsoft.Extensions.Logging;

namespace TransactionEtl.Aws.Observability.Internal;

internal sealed class JsonLogger(string category, JsonLineWriter writer) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => writer.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= writer.MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }
        writer.Write(category, logLevel, eventId, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>>, exception);
    }
}
