using System.Text.Encodings.Web;
using System.Text.Json;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>txetl validate --json</c>: the file's summary (the object the loader and the Lambda return, field for field) plus
/// <c>rejected_rows</c>, the rows the text report lists (the first <c>--show N</c>): line, exact raw record and every
/// error, shaped like a row of <c>rejects --json</c>.
/// </summary>
internal static class ValidateJsonWriter
{
    public static void Write(TextWriter output, FileSummary summary, IReadOnlyList<RejectedRow> rejectedRows)
    {
        using var buffer = new MemoryStream();
        // The relaxed encoder of FileSummaryJsonContext.Readable: ' stays ', while control characters are still escaped.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            // The summary's own properties, in its own order and types: a consumer reading validate --json as a summary still can.
            foreach (var property in JsonSerializer.SerializeToElement(summary, FileSummaryJsonContext.Readable.FileSummary).EnumerateObject())
            {
                property.WriteTo(json);
            }
            json.WriteStartArray("rejected_rows");
            foreach (var row in rejectedRows)
            {
                json.WriteStartObject();
                json.WriteNumber("line", row.Line);
                json.WriteString("raw_record", row.RawRecord);
                RejectsJsonWriter.WriteErrors(json, row.Errors);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
