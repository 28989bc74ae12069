using System.Buffers;
using System.Text.Json;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>
/// What the chunked modes answer (written by hand with <see cref="Utf8JsonWriter"/>: no reflection, Native-AOT safe). Small
/// on purpose: the plan's answer travels through every later state of the execution (256 KiB payload limit), and each
/// chunk's answer is dropped by the Map.
/// </summary>
internal static class ChunkedResponses
{
    /// <summary>The object is not split: the state machine loads it single-stream (<c>path: single</c>).</summary>
    public static byte[] Single(string reason) => Write(json =>
    {
        json.WriteString("path", "single");
        json.WriteString("reason", reason);
    });

    /// <summary>Decided without loading (already loaded): <paramref name="summary"/> is the full run-etl answer (<c>path: done</c>).</summary>
    public static byte[] Done(byte[] summary) => Write(json =>
    {
        json.WriteString("path", "done");
        json.WritePropertyName("summary");
        json.WriteRawValue(summary, skipInputValidation: true);
    });

    /// <summary>
    /// A begun attempt (<c>path: chunked</c>): the ticket every later step needs, and the Map's items, the hash first so
    /// that its sequential read of the whole object starts before the chunks take every slot.
    /// </summary>
    public static byte[] Chunked(ChunkTicket ticket, ChunkPlan plan) => Write(json =>
    {
        json.WriteString("path", "chunked");
        json.WriteNumber("chunks", plan.Chunks.Count);
        json.WritePropertyName("ticket");
        JsonSerializer.Serialize(json, ticket, ChunkTicketJsonContext.Default.ChunkTicket);
        json.WriteStartArray("items");
        WriteItem(json, ChunkedModes.Hash, null);
        foreach (var chunk in plan.Chunks)
        {
            WriteItem(json, ChunkedModes.Chunk, chunk.Index);
        }
        json.WriteEndArray();
        json.WriteStartObject("plan");
        json.WriteNumber("target_chunk_bytes", plan.TargetChunkBytes);
        json.WriteNumber("bytes_scanned", plan.BytesScanned);
        json.WriteNumber("speculative_boundaries", plan.SpeculativeBoundaries);
        json.WriteNumber("sequential_boundaries", plan.SequentialBoundaries);
        json.WriteEndObject();
    });

    /// <summary>One chunk's outcome, for the execution history (the commit reads it from the database).</summary>
    public static byte[] Chunk(ChunkResult result) => Write(json =>
    {
        json.WriteNumber("chunk_index", result.Chunk.Index);
        json.WriteNumber("start", result.Chunk.Start);
        json.WriteNumber("length", result.Chunk.Length);
        json.WriteNumber("line_breaks", result.LineBreaks);
        json.WriteNumber("rows_total", result.Result.RowsTotal);
        json.WriteNumber("rows_rejected", result.Result.RowsRejected);
        json.WriteString("error", result.Result.ErrorCode);
    });

    public static byte[] Hash(string sha256, long bytes) => Write(json =>
    {
        json.WriteString("sha256", sha256);
        json.WriteNumber("bytes", bytes);
    });

    private static void WriteItem(Utf8JsonWriter json, string mode, int? chunkIndex)
    {
        json.WriteStartObject();
        json.WriteString("mode", mode);
        if (chunkIndex is { } index)
        {
            json.WriteNumber("chunkIndex", index);
        }
        else
        {
            json.WriteNull("chunkIndex");
        }
        json.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
