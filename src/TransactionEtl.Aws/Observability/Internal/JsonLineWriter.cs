using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;

namespace TransactionEtl.Aws.Observability.Internal;

/// <summary>Formats and writes log lines; shared by every logger of one provider.</summary>
internal sealed class JsonLineWriter(
    TextWriter output, LoggingOptions options, SecretRedactor redactor, Func<string?> traceHeader, TimeProvider clock)
{
    // Non-ASCII file names stay readable in CloudWatch; these lines are never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();
    private readonly AsyncLocal<ScopeNode?> _scope = new();

    public LogLevel MinimumLevel => options.MinimumLevel;

    public IDisposable Push(object? state)
    {
        var node = new ScopeNode(this, _scope.Value, state as LogContext);
        _scope.Value = node;
        return node;
    }

    public void Pop(ScopeNode node) => _scope.Value = node.Parent;

    /// <summary>Names a structured field may not take: they would shadow the line's own fields.</summary>
    private static readonly HashSet<string> Reserved =
    [
        "timestamp", "level", "message", "function", "execution_name", "bucket", "key", "file_id",
        "trace_id", "event_id", "event", "category", "exception", "{OriginalFormat}",
    ];

    public void Write(string category, LogLevel level, EventId eventId, string message,
        IReadOnlyList<KeyValuePair<string, object?>>? fields, Exception? exception)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", level.ToString());
            json.WriteString("message", redactor.Redact(message));
            json.WriteString("function", options.FunctionName);
            WriteContext(json);
            var traceId = TraceRoot(traceHeader());
            if (traceId is not null)
            {
                json.WriteString("trace_id", traceId);
            }
            if (eventId.Id != 0)
            {
                json.WriteNumber("event_id", eventId.Id);
            }
            if (eventId.Name is not null)
            {
                json.WriteString("event", eventId.Name);
            }
            json.WriteString("category", category);
            WriteFields(json, fields);
            if (exception is not null)
            {
                json.WriteStartObject("exception");
                json.WriteString("type", exception.GetType().FullName);
                json.WriteString("message", RedactException(exception.Message, exception));
                // The stack carries no values, but an inner exception's message may (a URL, a host); redact it too.
                json.WriteString("detail", RedactException(exception.ToString(), exception));
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var line = Encoding.UTF8.GetString(buffer.WrittenSpan);
        lock (_gate)
        {
            output.WriteLine(line);
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            output.Flush();
        }
    }

    private void WriteContext(Utf8JsonWriter json)
    {
        string? executionName = null, bucket = null, key = null, fileId = null;
        for (var node = _scope.Value; node is not null; node = node.Parent)
        {
            if (node.Context is { } c)
            {
                executionName ??= c.ExecutionName;
                bucket ??= c.Bucket;
                key ??= c.Key;
                fileId ??= c.FileId;
            }
        }
        WriteIfSet(json, "execution_name", executionName);
        WriteIfSet(json, "bucket", bucket);
        WriteIfSet(json, "key", key);
        WriteIfSet(json, "file_id", fileId);
    }

    // The [LoggerMessage] call sites' named values (file_id, rows, status...), as fields Logs Insights can filter on.
    private void WriteFields(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, object?>>? fields)
    {
        if (fields is null)
        {
            return;
        }
        foreach (var (name, value) in fields)
        {
            if (value is null || Reserved.Contains(name))
            {
                continue;
            }
            switch (value)
            {
                case int or long or short or byte or uint:
                    json.WriteNumber(name, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case decimal d:
                    json.WriteNumber(name, d);
                    break;
                case double d when double.IsFinite(d):
                    json.WriteNumber(name, d);
                    break;
                case bool b:
                    json.WriteBoolean(name, b);
                    break;
                default:
                    json.WriteString(name, redactor.Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
                    break;
            }
        }
    }

    // Our own exceptions' messages are written to be shown (file, line, column, value). A foreign message is
    // not ours to vouch for: a URL's path and query can be a secret the redactor never saw (a chat webhook
    // from an environment variable), so only the scheme and host of each URL are kept.
    private string RedactException(string text, Exception exception) =>
        redactor.Redact(exception is Core.TransactionEtlException ? text : RedactUrls(text));

    /// <summary>Keeps scheme and host of every URL in <paramref name="text"/> and drops user info, path and query.</summary>
    internal static string RedactUrls(string text) =>
        System.Text.RegularExpressions.Regex.Replace(
            text,
            @"\b(https?)://(?:[^\s/@]*@)?([^\s/?#]+)[^\s]*",
            "$1://$2/[redacted]",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));

    private void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, redactor.Redact(value));
        }
    }

    /// <summary>The X-Ray trace id is the <c>Root=</c> part of the header; that is what the X-Ray console searches for.</summary>
    internal static string? TraceRoot(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("Root=", StringComparison.Ordinal))
            {
                return part["Root=".Length..];
            }
        }
        return header.Trim();
    }

    internal sealed class ScopeNode(JsonLineWriter owner, ScopeNode? parent, LogContext? context) : IDisposable
    {
        public ScopeNode? Parent { get; } = parent;

        public LogContext? Context { get; } = context;

        public void Dispose() => owner.Pop(this);
    }
}
