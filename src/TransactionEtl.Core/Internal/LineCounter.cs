namespace TransactionEtl.Core.Internal;

/// <summary>Counts physical line breaks (LF, CRLF or a lone CR) in record text, to number records by line.</summary>
internal static class LineCounter
{
    public static int CountLineBreaks(ReadOnlySpan<char> text)
    {
        int crIndex = text.IndexOf('\r');
        if (crIndex < 0)
        {
            return text.Count('\n');
        }
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>The record without its final line break (the raw span from the reader includes it).</summary>
    public static ReadOnlySpan<char> TrimLineBreak(ReadOnlySpan<char> record)
    {
        if (record.EndsWith("\r\n"))
        {
            return record[..^2];
        }
        if (record.Length > 0 && record[^1] is '\n' or '\r')
        {
            return record[..^1];
        }
        return record;
    }
}
