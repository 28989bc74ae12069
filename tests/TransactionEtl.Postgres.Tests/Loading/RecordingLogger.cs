using Microsoft.Extensions.Logging;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>Keeps every log line the loader writes (event id, name, formatted message), for asserting on.</summary>
internal sealed class RecordingLogger : ILogger<FileLoader>
{
    private readonly List<(int Id, string Name, string Message)> _entries = [];

    public IReadOnlyList<(int Id, string Name, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IEnumerable<string> Named(string name) => Entries.Where(e => e.Name == name).Select(e => e.Message);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((eventId.Id, eventId.Name ?? "", formatter(state, exception)));
        }
    }
}
