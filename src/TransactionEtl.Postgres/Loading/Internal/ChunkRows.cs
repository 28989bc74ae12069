using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>One row of <c>txetl.ingestion_chunks</c> as the commit reads it: a chunk's outcome, or not done yet.</summary>
internal sealed record ChunkRow(int Index, bool Done, long LineBreaks, FileResult Result);

/// <summary>Writes a chunk's outcome to its row (<see cref="ChunkSql.FinishChunk"/>) and reads every chunk's back for the commit.</summary>
internal static class ChunkRows
{
    public static (string, object?)[] FinishParameters(ChunkTicket ticket, ChunkResult outcome)
    {
        var r = outcome.Result;
        return
        [
            ("line_breaks", outcome.LineBreaks), ("rows_total", r.RowsTotal), ("rows_valid", r.RowsValid),
            ("rows_rejected", r.RowsRejected), ("blank_lines", r.BlankLines), ("reject_reasons", LedgerJson.Reasons(r.RejectReasons)),
            ("warnings", LedgerJson.Strings(r.Warnings)), ("header", LedgerJson.Strings(r.Header)),
            ("error_code", r.ErrorCode), ("error", PgText.StorableOrNull(r.ErrorMessage)),
            ("file_id", ticket.FileId), ("chunk", outcome.Chunk.Index), ("attempt", ticket.Attempt),
        ];
    }

    public static async Task<IReadOnlyList<ChunkRow>> ReadAsync(NpgsqlConnection connection, ChunkTicket ticket, CancellationToken cancellationToken)
    {
        var rows = new List<ChunkRow>(ticket.ChunkCount);
        var command = new NpgsqlCommand(ChunkSql.ReadChunks, connection);
        await using (command)
        {
            command.Parameters.AddWithValue("file_id", ticket.FileId);
            command.Parameters.AddWithValue("attempt", ticket.Attempt);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            await using (reader)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(Read(reader, ticket));
                }
            }
        }

        return rows;
    }

    private static ChunkRow Read(NpgsqlDataReader reader, ChunkTicket ticket)
    {
        var index = reader.GetInt32(0);
        if (reader.GetString(1) != "done")
        {
            return new ChunkRow(index, false, 0, new FileResult());
        }

        long Long(int i) => reader.GetInt64(i);
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        return new ChunkRow(index, true, Long(2), new FileResult
        {
            RowsTotal = Long(3),
            RowsValid = Long(4),
            RowsRejected = Long(5),
            BlankLines = Long(6),
            RejectReasons = LedgerJson.ReadReasons(Text(7)),
            Warnings = LedgerJson.ReadStrings(Text(8)),
            Header = LedgerJson.ReadStrings(Text(9)),
            ErrorCode = Text(10),
            ErrorMessage = Text(11),
            Bytes = ticket.Chunk(index).Length,
        });
    }
}
