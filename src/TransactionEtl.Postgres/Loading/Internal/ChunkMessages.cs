using System.Globalization;
using System.Text.RegularExpressions;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// A chunk's file-level error message names lines and byte offsets of the chunk's stream, which begins with the file's
/// prefix (header). The worker makes them the chunk's own lines and the file's offsets (<see cref="ToChunkLocalAsync"/>);
/// the commit, which knows the earlier chunks' line breaks, makes the lines the file's (<see cref="ToFileLines"/>).
/// The patterns are the engine's wording ("line N", "byte offset N"); chunk 0's stream is the file, so it is left alone.
/// </summary>
internal static partial class ChunkMessages
{
    public static async Task<ChunkResult> ToChunkLocalAsync(ChunkResult outcome, ChunkTicket ticket, ByteRangeReader read, CancellationToken cancellationToken)
    {
        if (outcome.Chunk.Index == 0 || outcome.Result.ErrorMessage is not { } message)
        {
            return outcome;
        }

        var prefixLines = await CountLineBreaksAsync(read, ticket.PrefixLength, cancellationToken);
        var byteShift = outcome.Chunk.Start - ticket.PrefixLength;
        var local = Offsets().Replace(Lines().Replace(message, m => Shift(m, -prefixLines)), m => Shift(m, byteShift));
        return new ChunkResult { Chunk = outcome.Chunk, LineBreaks = outcome.LineBreaks, Result = WithMessage(outcome.Result, local) };
    }

    public static string ToFileLines(string message, long lineOffset) =>
        lineOffset == 0 ? message : Lines().Replace(message, m => Shift(m, lineOffset));

    private static string Shift(Match match, long by) =>
        match.Groups[1].Value + (long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) + by).ToString(CultureInfo.InvariantCulture);

    /// <summary>Line breaks as the engine numbers lines: LF, CRLF and a lone CR once each.</summary>
    private static async Task<long> CountLineBreaksAsync(ByteRangeReader read, long length, CancellationToken cancellationToken)
    {
        await using var input = await read(0, length, cancellationToken);
        var bytes = new byte[length];
        await input.ReadExactlyAsync(bytes, cancellationToken);
        long count = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n' || (bytes[i] == (byte)'\r' && (i + 1 == bytes.Length || bytes[i + 1] != (byte)'\n')))
            {
                count++;
            }
        }

        return count;
    }

    private static FileResult WithMessage(FileResult r, string message) => new()
    {
        ErrorCode = r.ErrorCode,
        ErrorMessage = message,
        RowsTotal = r.RowsTotal,
        RowsValid = r.RowsValid,
        RowsRejected = r.RowsRejected,
        BlankLines = r.BlankLines,
        RejectReasons = r.RejectReasons,
        Warnings = r.Warnings,
        Header = r.Header,
        Bytes = r.Bytes,
        MaxRejectedRatio = r.MaxRejectedRatio,
        Duration = r.Duration,
    };

    [GeneratedRegex(@"(\bline )(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Lines();

    [GeneratedRegex(@"(\bbyte offset )(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Offsets();
}
