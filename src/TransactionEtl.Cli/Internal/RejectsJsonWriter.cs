using System.Text;
using System.Text.Json;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>txetl rejects --json</c>: one JSON document with the file and its rejected rows, each with its exact raw record,
/// every error, its key and whether it is still outstanding. Written row by row, never as one string of the whole file.
/// </summary>
internal static class RejectsJsonWriter
{
    public static async Task<int> WriteAsync(TextWriter output, LedgerEntry entry, IAsyncEnumerable<RejectListing> rows, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true });
        await using (json)
        {
            json.WriteStartObject();
            json.WriteNumber("file_id", entry.FileId);
            json.WriteString("source_uri", entry.SourceUri);
            json.WriteString("status", entry.Status);
            json.WriteString("contract", entry.ContractName);
            json.WriteString("contract_version", entry.ContractVersion);
            if (entry.Error is { } reason)
            {
                json.WriteString("error", reason);
            }
            json.WriteStartArray("rows");
            var count = 0;
            await foreach (var listing in rows.WithCancellation(cancellationToken))
            {
                WriteRow(json, listing);
                count++;
                await DrainAsync(json, buffer, output, cancellationToken);
            }
            json.WriteEndArray();
            json.WriteNumber("count", count);
            json.WriteEndObject();
            await DrainAsync(json, buffer, output, cancellationToken);
            await output.WriteAsync("\n");
            await output.FlushAsync(cancellationToken);
            return count;
        }
    }

    private static void WriteRow(Utf8JsonWriter json, RejectListing listing)
    {
        var row = listing.Row;
        json.WriteStartObject();
        json.WriteNumber("line", row.Line);
        json.WriteString("raw_record", row.RawRecord);
        json.WriteString("key", listing.Key);
        json.WriteBoolean("outstanding", listing.Outstanding);
        if (listing.LoadedBy is { } loadedBy)
        {
            json.WriteNumber("loaded_by", loadedBy);
        }
        else
        {
            json.WriteNull("loaded_by");
        }
        WriteErrors(json, row.Errors);
        json.WriteEndObject();
    }

    /// <summary>A row's <c>errors</c> array; <c>validate --json</c> writes its rows' errors the same way.</summary>
    public static void WriteErrors(Utf8JsonWriter json, IReadOnlyList<CellError> errors)
    {
        json.WriteStartArray("errors");
        foreach (var error in errors)
        {
            json.WriteStartObject();
            json.WriteString("column", error.Column);
            json.WriteString("code", error.Code);
            json.WriteString("message", error.Message);
            json.WriteString("value", error.Value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>Moves what the JSON writer has produced so far to <paramref name="output"/>.</summary>
    private static async Task DrainAsync(Utf8JsonWriter json, MemoryStream buffer, TextWriter output, CancellationToken cancellationToken)
    {
        await json.FlushAsync(cancellationToken);
        await output.WriteAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        buffer.SetLength(0);
    }
}
