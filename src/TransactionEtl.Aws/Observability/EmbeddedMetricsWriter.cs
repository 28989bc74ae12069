using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TransactionEtl.Aws.Observability;

/// <summary>
/// Writes CloudWatch Embedded Metric Format lines
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
/// CloudWatch turns each line into metrics in namespace <see cref="Namespace"/>, dimensioned by
/// <c>FunctionName</c> only. File ids and statuses ride along as plain properties because a dimension
/// per file would create a metric per file (cost and cardinality).
/// </summary>
internal sealed class EmbeddedMetricsWriter
{
    /// <summary>The CloudWatch namespace of every metric.</summary>
    public const string Namespace = "TransactionEtl";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly (string Name, string Unit)[] Metrics =
    [
        ("RowsTotal", "Count"), ("RowsLoaded", "Count"), ("RowsRejected", "Count"), ("RowsDuplicate", "Count"),
        ("RowsConflicting", "Count"), ("RowsUpdated", "Count"), ("Bytes", "Bytes"), ("DurationMs", "Milliseconds"),
    ];

    private readonly TextWriter _output;
    private readonly string _functionName;
    private readonly TimeProvider _clock;

    /// <summary>Creates the writer.</summary>
    /// <param name="output">Where lines go (stdout in Lambda; the same writer as the logger, which is synchronized).</param>
    /// <param name="functionName">The one dimension's value.</param>
    /// <param name="timeProvider">Clock for the EMF timestamp.</param>
    public EmbeddedMetricsWriter(TextWriter output, string functionName, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        _output = output;
        _functionName = functionName;
        _clock = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Writes the EMF line for one file.</summary>
    public void Write(FileMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", _clock.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue("FunctionName");
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var (name, unit) in Metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", unit);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("FunctionName", _functionName);
            json.WriteNumber("RowsTotal", metrics.RowsTotal);
            json.WriteNumber("RowsLoaded", metrics.RowsLoaded);
            json.WriteNumber("RowsRejected", metrics.RowsRejected);
            json.WriteNumber("RowsDuplicate", metrics.RowsDuplicate);
            json.WriteNumber("RowsConflicting", metrics.RowsConflicting);
            json.WriteNumber("RowsUpdated", metrics.RowsUpdated);
            json.WriteNumber("Bytes", metrics.Bytes);
            json.WriteNumber("DurationMs", metrics.DurationMs);
            json.WriteString("status", metrics.Status);
            if (metrics.FileId is { } fileId)
            {
                json.WriteNumber("file_id", fileId);
            }
            json.WriteEndObject();
        }
        _output.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
