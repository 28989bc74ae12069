using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// The chunks' outcomes joined into the file's, as the single stream would have found it: chunks in file order up to and
/// including the first with a file-level error (the single stream stops there), counts and reasons summed, each chunk's
/// lines shifted by the earlier chunks' line breaks, the header and header warnings of chunk 0.
/// </summary>
/// <param name="Result">The file's outcome (<see cref="FileResult.Sha256"/> the hash worker's).</param>
/// <param name="Chunks">The chunks whose rows count, in order.</param>
/// <param name="Offsets">Per chunk of <paramref name="Chunks"/>: the line breaks before it, added to its lines.</param>
/// <param name="Records">Per chunk of <paramref name="Chunks"/>: the records it handed to the work table.</param>
internal sealed record ChunkCombiner(FileResult Result, int[] Chunks, long[] Offsets, long[] Records)
{
    /// <summary>The engine's wording of the wrong-delimiter warning (Core's FileDiagnosis), which depends on rejects seen.</summary>
    private const string DelimiterWarning = "the delimiter is probably ";

    public static ChunkCombiner Combine(IReadOnlyList<ChunkRow> rows, ChunkTicket ticket, string sha256, decimal maxRejectedRatio, SourceIdentity source)
    {
        long offset = 0, total = 0, valid = 0, rejected = 0, blank = 0;
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var chunks = new List<int>();
        var offsets = new List<long>();
        var records = new List<long>();
        string? errorCode = null, errorMessage = null;
        for (var k = 0; k < ticket.ChunkCount && errorCode is null; k++)
        {
            var row = k < rows.Count && rows[k].Index == k ? rows[k] : null;
            if (row is not { Done: true })
            {
                throw new TransactionEtlException(
                    $"{source.Uri}: chunk {k} of file {ticket.FileId} attempt {ticket.Attempt} is not loaded; load every chunk before the commit. Nothing was loaded.");
            }

            var r = row.Result;
            chunks.Add(k);
            offsets.Add(offset);
            records.Add(r.RowsValid + r.RowsRejected);
            (total, valid, rejected, blank) = (total + r.RowsTotal, valid + r.RowsValid, rejected + r.RowsRejected, blank + r.BlankLines);
            foreach (var (code, count) in r.RejectReasons)
            {
                reasons[code] = reasons.GetValueOrDefault(code) + count;
            }

            if (r.ErrorCode is not null)
            {
                errorCode = r.ErrorCode;
                errorMessage = r.ErrorMessage is { } m ? ChunkMessages.ToFileLines(m, offset) : null;
            }

            offset += row.LineBreaks;
        }

        var first = rows[0].Result;
        var result = new FileResult
        {
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
            RowsTotal = total,
            RowsValid = valid,
            RowsRejected = rejected,
            BlankLines = blank,
            RejectReasons = reasons,
            Warnings = Warnings(rows.Take(chunks.Count).ToArray(), errorCode is null && rejected > 0),
            Header = first.Header,
            Sha256 = sha256,
            Bytes = ticket.Length,
            MaxRejectedRatio = maxRejectedRatio,
        };
        return new ChunkCombiner(result, [.. chunks], [.. offsets], [.. records]);
    }

    /// <summary>
    /// Chunk 0's warnings (the header's are the file's: every chunk reads behind the same header) without the
    /// wrong-delimiter warning, which the engine adds only to a readable stream with rejected rows: the file's gets it
    /// when it has such rows, from the first chunk that gave it.
    /// </summary>
    private static List<string> Warnings(ChunkRow[] rows, bool delimiterWarned)
    {
        static bool IsDelimiter(string w) => w.StartsWith(DelimiterWarning, StringComparison.Ordinal);
        var warnings = rows[0].Result.Warnings.Where(w => !IsDelimiter(w)).ToList();
        if (delimiterWarned && rows.SelectMany(r => r.Result.Warnings).FirstOrDefault(IsDelimiter) is { } delimiter)
        {
            warnings.Insert(0, delimiter);
        }

        return warnings;
    }
}
