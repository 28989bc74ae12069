using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace TransactionEtl.Aws.Runtime;

/// <summary>
/// A minimal logger factory writing one JSON object per line (timestamp, level, category, event id,
/// message, the structured fields, trace id from <c>_X_AMZN_TRACE_ID</c>). It keeps the bootstrap free of
/// Microsoft.Extensions.Logging's reflection-based console formatter. Values are whatever the
/// [LoggerMessage] call sites pass, and those never pass secrets; as a safety net every string is masked with
/// <see cref="Observability.SecretRedactor.Process"/> (the values the secrets adapter has read).
/// </summary>
public sealed class JsonLineLoggerFactory : ILoggerFactory
{
    private readonly TextWriter _writer;
    private readonly LogLevel _minimum;
    private readonly Lock _gate = new();

    /// <summary>Creates a factory writing to <paramref name="writer"/> (Lambda: stdout; CLI: stderr).</summary>
    public JsonLineLoggerFactory(TextWriter writer, LogLevel minimum = LogLevel.Information)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _minimum = minimum;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new JsonLineLogger(this, categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("JsonLineLoggerFactory writes its own lines; it takes no providers.");

    /// <inheritdoc />
    public void Dispose() => _writer.Flush();

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: these lines are read in CloudWatch, not embedded in HTML; "+" stays "+".
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow);
            json.WriteString("level", level.ToString());
            json.WriteString("category", category);
            if (eventId.Id != 0)
            {
                json.WriteNumber("eventId", eventId.Id);
            }
            // Every string goes through the process's SecretRedactor: a secret the secrets adapter read is masked
            // here even if a call site passes it by mistake (docs/configuration.md promises that).
            json.WriteString("message", Redact(formatter(state, exception)));
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var (name, value) in fields)
                {
                    if (name != "{OriginalFormat}")
                    {
                        json.WriteString(name, Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)));
                    }
                }
            }
            var trace = Environment.GetEnvironmentVariable(RuntimeEnvironment.TraceId);
            if (!string.IsNullOrEmpty(trace))
            {
                json.WriteString("traceId", trace);
            }
            if (exception is not null)
            {
                json.WriteString("exceptionType", exception.GetType().FullName);
                // Foreign messages are not ours to vouch for: a URL's path and query can be a secret
                // (chat webhooks), so only scheme and host of any URL are kept.
                json.WriteString("exceptionMessage", Redact(exception is Core.TransactionEtlException
                    ? exception.Message
                    : RedactUrls(exception.Message)));
            }
            json.WriteEndObject();
        }
        var line = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_gate)
        {
            _writer.WriteLine(line);
        }
    }

    private static string? Redact(string? text) => text is null ? null : Observability.SecretRedactor.Process.Redact(text);

    /// <summary>Keeps scheme and host of every URL in <paramref name="text"/> and drops path, query and user info.</summary>
    internal static string RedactUrls(string text) =>
        System.Text.RegularExpressions.Regex.Replace(
            text,
            @"\b(https?)://(?:[^\s/@]*@)?([^\s/?#]+)[^\s]*",
            "$1://$2/[redacted]",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));

    private sealed class JsonLineLogger(JsonLineLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
