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

    public void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception)
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
            if (exception is not null)
            {
                json.WriteStartObject("exception");
                json.WriteString("type", exception.GetType().FullName);
                json.WriteString("message", redactor.Redact(exception.Message));
                // The stack carries no values, but an inner exception's message may (a URL, a host); redact it too.
                json.WriteString("detail", redactor.Redact(exception.ToString()));
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
