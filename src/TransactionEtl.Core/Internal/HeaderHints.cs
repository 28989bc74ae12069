using System.Globalization;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Makes file-level messages about a bad header or bad bytes useful and bounded: names the likely cause (another
/// delimiter, Excel's <c>sep=</c> line, a compressed or binary file, UTF-16) and shows invisible characters
/// (NUL, BOM, zero-width) as <c>\uXXXX</c>. A hostile header may have 50,000 columns; messages list a few.
/// </summary>
internal static class HeaderHints
{
    /// <summary>How many header labels, duplicate problems or unknown-column warnings a message lists before summarizing.</summary>
    public const int MaxListed = 20;

    private const int MaxLabelChars = 64;

    private static readonly char[] OtherDelimiters = [';', '\t', '|'];

    /// <summary>A sentence naming why the header was not understood, or "" when nothing stands out.</summary>
    public static string ForMissingLabel(IReadOnlyList<string> header, char delimiter)
    {
        if (header.Count > 0 && header[0].TrimStart().StartsWith("sep=", StringComparison.OrdinalIgnoreCase))
        {
            string line = string.Join(delimiter, header).Trim();
            return $"; the first line '{Visible(line)}' is Excel's delimiter hint, not a header: remove that line and save the file comma-separated ('{delimiter}')";
        }
        if (header.Count == 1)
        {
            foreach (char d in OtherDelimiters)
            {
                if (header[0].Contains(d, StringComparison.Ordinal))
                {
                    string name = d == '\t' ? "tab" : $"'{d}'";
                    return $"; the header is one column containing {name}: the file looks {name}-delimited, but this contract expects '{delimiter}' (save it comma-separated, or use a contract whose dialect.delimiter is {name})";
                }
            }
        }
        if (header.Any(h => h.Contains('\0', StringComparison.Ordinal)))
        {
            return "; the header contains NUL characters (shown as \\u0000): if the file is UTF-16 without a byte-order mark, save it as UTF-8";
        }
        if (header.Count > 0 && header[0].StartsWith('\uFEFF'))
        {
            return "; the first column name starts with a byte-order mark (U+FEFF) after the file's own: the file was saved with two BOMs, save it again as UTF-8";
        }
        return "";
    }

    /// <summary>The header as a bounded, readable list: at most <see cref="MaxListed"/> labels, each at most 64 characters.</summary>
    public static string List(IReadOnlyList<string> header)
    {
        var shown = header.Take(MaxListed).Select(h => Visible(Shorten(h.Trim())));
        string list = string.Join(", ", shown);
        return header.Count > MaxListed
            ? string.Create(CultureInfo.InvariantCulture, $"{list}, ... ({header.Count} columns in all)")
            : list;
    }

    /// <summary>A label for a message: trimmed, shortened, invisible characters escaped.</summary>
    public static string Label(string label) => Visible(Shorten(label.Trim()));

    /// <summary>A hint for an encoding error when the first bytes are the signature of a known non-text or non-UTF-8 format.</summary>
    public static string ForEncodingError(ReadOnlySpan<byte> start) => start switch
    {
        [0x1F, 0x8B, ..] => "; the file starts with 1F 8B: it is gzip-compressed, decompress it before loading",
        [0x89, 0x50, 0x4E, 0x47, ..] => "; the file starts with the PNG signature: it is an image, not a CSV file",
        [0x50, 0x4B, 0x03, 0x04, ..] => "; the file starts with PK 03 04: it is a ZIP archive (an .xlsx workbook is one), export it as CSV",
        [0x25, 0x50, 0x44, 0x46, ..] => "; the file is a PDF document, not a CSV file",
        [0xFF, 0xFE, ..] => "; the file starts with a UTF-16 LE byte-order mark (FF FE): save it as UTF-8",
        [0xFE, 0xFF, ..] => "; the file starts with a UTF-16 BE byte-order mark (FE FF): save it as UTF-8",
        _ => "",
    };

    private static string Shorten(string label) => label.Length <= MaxLabelChars ? label : label[..MaxLabelChars] + "...";

    private static string Visible(string text)
    {
        if (!text.Any(IsInvisible))
        {
            return text;
        }
        var sb = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (IsInvisible(c))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static bool IsInvisible(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format;
}
