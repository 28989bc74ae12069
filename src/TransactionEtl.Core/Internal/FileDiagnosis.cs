using System.Globalization;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Names the file-level cause of a file that cannot be read, from a prefix of its bytes (at most
/// <see cref="PrefixBytes"/>): a compressed file, an archive or workbook, a PDF or image, UTF-16 text, another
/// delimiter, Windows-1252 bytes, a first line that is data. "byte offset 1 is not valid UTF-8" is true of a gzip
/// file but says nothing a user can act on; the cause, said first, does. Self-contained (bytes in, sentences out)
/// so that whatever opens a file, such as a future decompression step, can ask the same questions.
/// </summary>
internal static class FileDiagnosis
{
    /// <summary>How much of the file is looked at before reading starts.</summary>
    public const int PrefixBytes = 64 * 1024;

    // Records looked at when guessing the delimiter; a few dozen say whether a count is consistent.
    private const int MaxSampleRecords = 50;
    private const int Utf16SampleBytes = 512;

    // Besides letters, what Windows-1252 text most often holds in its 0x80-0x9F range: curly quotes, dashes, ellipsis.
    private const string TypographicPunctuation = "\u2018\u2019\u201C\u201D\u2013\u2014\u2026";

    private static readonly char[] CandidateDelimiters = [',', ';', '\t', '|'];

    /// <summary>
    /// A sentence naming what the file is when it is no text in the contract's encoding at all (gzip, bzip2, zstd,
    /// xz, ZIP, .xlsx, .ods, PDF, PNG, UTF-16 under a non-UTF-16 contract); null when it may be text. Such a file
    /// can never load, so it is rejected before any record is read.
    /// </summary>
    public static string? NotText(ReadOnlySpan<byte> prefix, DialectSpec dialect)
    {
        string? format = Compression(prefix) switch
        {
            "gzip" => "this is a gzip-compressed file (it starts with 1F 8B), not CSV text: decompress it (gunzip) before loading",
            "bzip2" => "this is a bzip2-compressed file (it starts with BZh), not CSV text: decompress it (bunzip2) before loading",
            "zstd" => "this is a zstd-compressed file (it starts with 28 B5 2F FD), not CSV text: decompress it (zstd -d) before loading",
            "xz" => "this is an xz-compressed file, not CSV text: decompress it (unxz) before loading",
            _ => prefix switch
            {
                [(byte)'P', (byte)'K', 0x03 or 0x05 or 0x07, 0x04 or 0x06 or 0x08, ..] => Zip(prefix),
                [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => "this is a PDF document, not CSV text: export the data as CSV from the program that made the PDF",
                [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "this is a PNG image, not CSV text",
                _ => null,
            },
        };
        return format ?? (dialect.Encoding is UnicodeEncoding ? null : Utf16(prefix, dialect.EncodingName));
    }

    /// <summary>
    /// Whether the file's first bytes announce something else than text (compressed, a ZIP archive or workbook,
    /// Parquet): such a file's byte ranges are no ranges of records. Needs <see cref="ChunkPlanner.SignatureBytes"/>.
    /// </summary>
    public static bool IsBinaryContainer(ReadOnlySpan<byte> prefix) =>
        Compression(prefix) is not null
        || prefix is [(byte)'P', (byte)'K', 0x03, 0x04, ..] or [(byte)'P', (byte)'K', 0x05, 0x06, ..]
        || TabularFormats.Detect(prefix) != TabularFormat.None;

    /// <summary>
    /// The compression the file's first bytes announce: "gzip", "bzip2", "zstd", "xz", or null. Its own method so
    /// that a step which decompresses such files can pick the decoder from the same signatures.
    /// </summary>
    public static string? Compression(ReadOnlySpan<byte> prefix) => prefix switch
    {
        [0x1F, 0x8B, ..] => "gzip",
        // "BZh", the block size, then the signature of a block (pi) or of the end of the stream (sqrt(pi)).
        [(byte)'B', (byte)'Z', (byte)'h', >= (byte)'1' and <= (byte)'9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, ..]
            or [(byte)'B', (byte)'Z', (byte)'h', >= (byte)'1' and <= (byte)'9', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90, ..] => "bzip2",
        [0x28, 0xB5, 0x2F, 0xFD, ..] => "zstd",
        [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, ..] => "xz",
        _ => null,
    };

    /// <summary>
    /// <paramref name="message"/> led by every likely cause found: the file's encoding (from the prefix or
    /// <paramref name="badBytes"/>, the bytes around the first invalid one), its delimiter, and
    /// <paramref name="headerAdvice"/>. Unchanged when nothing stands out.
    /// </summary>
    public static string Lead(string message, ReadOnlySpan<byte> prefix, DialectSpec dialect, ReadOnlySpan<byte> badBytes, string? headerAdvice)
    {
        var causes = new List<string>(3);
        if (dialect.Encoding is null && (LikelyWindows1252(prefix) ?? LikelyWindows1252(badBytes)) is { } encoding)
        {
            causes.Add(encoding);
        }
        if (LikelyDelimiter(prefix, dialect) is { } delimiter)
        {
            causes.Add(delimiter);
        }
        if (headerAdvice is not null)
        {
            causes.Add(headerAdvice);
        }
        return causes.Count == 0 ? message : string.Join("; ", causes) + "; " + message;
    }

    /// <summary>
    /// "the first line looks like data, not a header: ..." when no label of <paramref name="header"/> names a field
    /// (<paramref name="labelsMatched"/> is 0) and at least two of its cells, a third or more, are numbers, dates,
    /// booleans, e-mail addresses or ids; null otherwise.
    /// </summary>
    public static string? HeaderLooksLikeData(IReadOnlyList<string> header, int labelsMatched)
    {
        if (labelsMatched > 0)
        {
            return null;
        }
        var cells = header.Select(h => h.Trim()).Where(h => h.Length > 0).ToList();
        var data = cells.Where(LooksLikeValue).ToList();
        if (data.Count < 2 || data.Count * 3 < cells.Count)
        {
            return null;
        }
        string shown = string.Join(", ", data.Take(3).Select(d => $"'{HeaderHints.Label(d)}'"));
        return $"the first line looks like data, not a header: {shown} are values, not column names; add a header line naming the columns (or use a contract whose dialect.header is false)";
    }

    /// <summary>
    /// True for a ZIP archive that is no Office or OpenDocument file (whose names mark it in the first entries), so
    /// that an .xlsx is never taken for an archive of CSV members.
    /// </summary>
    public static bool IsZipArchive(ReadOnlySpan<byte> prefix) =>
        prefix is [(byte)'P', (byte)'K', 0x03, 0x04, ..] && Zip(prefix).StartsWith("this is a ZIP archive", StringComparison.Ordinal);

    private static string Zip(ReadOnlySpan<byte> prefix)
    {
        // Entry names are stored uncompressed in each local header, so the first entries' names are in the prefix.
        if (prefix.IndexOf("xl/"u8) >= 0)
        {
            return "this is an Excel workbook (.xlsx, a ZIP archive), not CSV text: open it and save the sheet as \"CSV UTF-8\"";
        }
        if (prefix.IndexOf("opendocument.spreadsheet"u8) >= 0)
        {
            return "this is an OpenDocument spreadsheet (.ods, a ZIP archive), not CSV text: open it and save the sheet as CSV (UTF-8)";
        }
        return prefix.IndexOf("[Content_Types].xml"u8) >= 0
            ? "this is an Office document (a ZIP archive), not CSV text: export the data as CSV"
            // RunEtl and standard input meet an archive here: only `txetl run`/`validate` open one (ZipMembers).
            : "this is a ZIP archive (it starts with PK 03 04), not CSV text: ZIP archives are loaded by `txetl run` only (each *.csv member a file of its own); elsewhere extract the CSV file from it before loading";
    }

    /// <summary>UTF-16 by its byte-order mark, or without one by the NUL byte beside each ASCII character.</summary>
    private static string? Utf16(ReadOnlySpan<byte> prefix, string encodingName)
    {
        string? order = prefix switch
        {
            [0xFF, 0xFE, ..] => "LE (byte-order mark FF FE)",
            [0xFE, 0xFF, ..] => "BE (byte-order mark FE FF)",
            _ => null,
        };
        if (order is null)
        {
            var sample = prefix[..(Math.Min(prefix.Length, Utf16SampleBytes) & ~1)];
            int pairs = sample.Length / 2, little = 0, big = 0;
            for (int i = 0; i < sample.Length; i += 2)
            {
                little += sample[i] != 0 && sample[i + 1] == 0 ? 1 : 0;
                big += sample[i] == 0 && sample[i + 1] != 0 ? 1 : 0;
            }
            // Nine pairs in ten: text in UTF-16 is mostly ASCII characters; a file of NULs matches neither pattern.
            order = pairs < 4 ? null : little * 10 >= pairs * 9 ? "LE (a NUL byte after each character)"
                : big * 10 >= pairs * 9 ? "BE (a NUL byte before each character)" : null;
        }
        if (order is null)
        {
            return null;
        }
        string name = order.StartsWith("LE", StringComparison.Ordinal) ? "utf-16le" : "utf-16be";
        return $"this is UTF-16 {order}, not {encodingName} text: save it as UTF-8, or read it with --encoding {name} (or the contract's dialect.encoding)";
    }

    /// <summary>
    /// "the file is probably windows-1252 ..." when <paramref name="bytes"/> are not valid UTF-8, every invalid byte
    /// stands alone and is a printable Windows-1252 character, and one of them is a letter or a curly quote, dash or
    /// ellipsis; null otherwise (valid UTF-8, corrupt UTF-8, binary data, bytes Windows-1252 does not define).
    /// </summary>
    private static string? LikelyWindows1252(ReadOnlySpan<byte> bytes)
    {
        int first = -1, controls = 0;
        bool letters = false;
        var cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        Span<char> one = stackalloc char[1];
        for (int at = 0; at < bytes.Length;)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[at..], out var rune, out int consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                controls += rune.Value < 0x20 && rune.Value is not ('\t' or '\r' or '\n') ? 1 : 0;
                at += consumed;
                continue;
            }
            if (status == System.Buffers.OperationStatus.NeedMoreData && at + consumed == bytes.Length)
            {
                break; // the sample ends inside a sequence: no evidence either way
            }
            cp1252.GetChars(bytes.Slice(at, 1), one);
            if (bytes[at] < 0x80 || one[0] == '\uFFFD' || char.IsControl(one[0]) || BrokenUtf8(bytes, at))
            {
                return null;
            }
            letters |= char.IsLetter(one[0]) || TypographicPunctuation.Contains(one[0], StringComparison.Ordinal);
            first = first < 0 ? at : first;
            at++;
        }
        if (first < 0 || !letters || controls * 100 > bytes.Length)
        {
            return null;
        }
        return $"the file is probably windows-1252 (or Latin-1), not UTF-8: its bytes read as '{Word(bytes, first, cp1252)}' that way; use --encoding windows-1252 (or the contract's dialect.encoding), or save the file as UTF-8";
    }

    /// <summary>
    /// True when the invalid byte at <paramref name="at"/> has the shape of a UTF-8 sequence (a lead byte followed by a
    /// continuation byte, or a continuation byte after another high byte): corrupt or overlong UTF-8, not text in a
    /// single-byte code page, where an accented letter stands alone between ASCII bytes.
    /// </summary>
    private static bool BrokenUtf8(ReadOnlySpan<byte> bytes, int at)
    {
        static bool Continuation(byte b) => (b & 0xC0) == 0x80;
        return bytes[at] >= 0xC0 && at + 1 < bytes.Length && Continuation(bytes[at + 1])
            || Continuation(bytes[at]) && at > 0 && bytes[at - 1] >= 0x80;
    }

    /// <summary>The text around <paramref name="at"/> up to the nearest field or line boundary, at most 24 bytes each side.</summary>
    private static string Word(ReadOnlySpan<byte> bytes, int at, Encoding encoding)
    {
        static bool Boundary(byte b) => b is (byte)'\n' or (byte)'\r' or (byte)',' or (byte)';' or (byte)'\t' or (byte)'|' or (byte)'"';
        int start = at, end = at + 1;
        while (start > 0 && at - start < 24 && !Boundary(bytes[start - 1]))
        {
            start--;
        }
        while (end < bytes.Length && end - at < 24 && !Boundary(bytes[end]))
        {
            end++;
        }
        return HeaderHints.Label(encoding.GetString(bytes[start..end]));
    }

    /// <summary>
    /// "the delimiter is probably ';' ..." when the first record has none of the contract's delimiter but another
    /// candidate (',', ';', tab, '|'), and the records after it have that candidate as often; null otherwise. Works on
    /// bytes: every candidate is ASCII, which UTF-8 and the single-byte code pages keep as is.
    /// </summary>
    public static string? LikelyDelimiter(ReadOnlySpan<byte> prefix, DialectSpec dialect)
    {
        if (dialect.Encoding is UnicodeEncoding)
        {
            return null;
        }
        char[] candidates = CandidateDelimiters.Contains(dialect.Delimiter) ? CandidateDelimiters : [.. CandidateDelimiters, dialect.Delimiter];
        var counts = RecordCounts(prefix, candidates, dialect.Quote, truncated: prefix.Length == PrefixBytes);
        if (counts.Count == 0 || counts[0][Array.IndexOf(candidates, dialect.Delimiter)] > 0)
        {
            return null;
        }
        int best = -1;
        for (int c = 0; c < candidates.Length; c++)
        {
            int inFirst = counts[0][c];
            int same = counts.Skip(1).Count(r => r[c] == inFirst);
            // Eight records in ten: a ';' file may hold a stray ';' in a merchant name, which must not hide the rest.
            bool consistent = same * 10 >= (counts.Count - 1) * 8;
            if (inFirst > 0 && consistent && (best < 0 || inFirst > counts[0][best]))
            {
                best = c;
            }
        }
        if (best < 0)
        {
            return null;
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"the delimiter is probably {Name(candidates[best])}, not {Name(dialect.Delimiter)}: the first line has {counts[0][best]} of them and none of {Name(dialect.Delimiter)} (use --delimiter {Name(candidates[best])} or the contract's dialect.delimiter)");
    }

    private static string Name(char delimiter) => delimiter == '\t' ? "tab" : $"'{delimiter}'";

    /// <summary>For each of the first non-blank records: how often each candidate delimiter occurs outside quotes.</summary>
    private static List<int[]> RecordCounts(ReadOnlySpan<byte> prefix, char[] candidates, char quote, bool truncated)
    {
        var records = new List<int[]>();
        var current = new int[candidates.Length];
        bool quoted = false, blank = true;
        int start = 0;
        for (int i = 0; i < prefix.Length && records.Count < MaxSampleRecords; i++)
        {
            byte b = prefix[i];
            if (b == quote)
            {
                quoted = !quoted;
            }
            else if (b == '\n' && !quoted)
            {
                // Excel's "sep=;" line names the delimiter but is no record: skipped, so the records after it count.
                bool excelHint = records.Count == 0 && prefix[start..i].TrimStart("\uFEFF"u8).StartsWith("sep="u8);
                if (!blank && !excelHint)
                {
                    records.Add(current);
                }
                current = new int[candidates.Length];
                blank = true;
                start = i + 1;
                continue;
            }
            int c = quoted ? -1 : Array.IndexOf(candidates, (char)b);
            if (c >= 0)
            {
                current[c]++;
            }
            blank &= b is (byte)' ' or (byte)'\r' or (byte)'\t';
        }
        // The last record without a line break is whole only when the prefix is the whole file.
        if (!blank && !truncated && records.Count < MaxSampleRecords)
        {
            records.Add(current);
        }
        return records;
    }

    /// <summary>A number, date or time, boolean, e-mail address or an id such as TX-1001, not a column's name.</summary>
    private static bool LooksLikeValue(string cell)
    {
        if (decimal.TryParse(cell, NumberStyles.Number, CultureInfo.InvariantCulture, out _)
            || bool.TryParse(cell, out _) || cell.Contains('@', StringComparison.Ordinal))
        {
            return true;
        }
        int digits = cell.Count(char.IsAsciiDigit);
        if (digits == 0 || cell.Any(char.IsWhiteSpace) && !char.IsAsciiDigit(cell[0]))
        {
            return false;
        }
        // A date or time: starts with a digit and is digits and separators (2024-03-01, 01.03.2024, 10:00:00Z).
        if (char.IsAsciiDigit(cell[0]) && cell.All(ch => char.IsAsciiDigit(ch) || "-/.:+ TZ".Contains(ch, StringComparison.Ordinal)))
        {
            return true;
        }
        // An id: letters, a separator, digits (TX-1001, ACC:7), or more digits than letters (tx0001).
        int letters = cell.Count(char.IsAsciiLetter);
        int dash = cell.IndexOfAny(['-', ':', '#', '/']);
        return dash > 0 && dash < cell.Length - 1 && char.IsAsciiDigit(cell[^1]) || digits > letters;
    }
}
