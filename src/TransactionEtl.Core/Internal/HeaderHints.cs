using System.Globalization;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Makes file-level messages about a bad header useful and bounded: names what is wrong with the header itself
/// (Excel's <c>sep=</c> line, NUL characters, a second BOM) and shows invisible characters (NUL, BOM, zero-width) as
/// <c>\uXXXX</c>. A hostile header may have 50,000 columns; messages list a few. Causes found in the file's bytes
/// (another delimiter or encoding, a compressed or binary file) are <see cref="FileDiagnosis"/>'s.
/// </summary>
internal static class HeaderHints
{
    /// <summary>How many header labels, duplicate problems or unknown-column warnings a message lists before summarizing.</summary>
    public const int MaxListed = 20;

    private const int MaxLabelChars = 64;

    /// <summary>A sentence naming why the header was not understood, or "" when nothing stands out.</summary>
    public static string ForMissingLabel(IReadOnlyList<string> header, char delimiter)
    {
        if (header.Count > 0 && header[0].TrimStart().StartsWith("sep=", StringComparison.OrdinalIgnoreCase))
        {
            string line = string.Join(delimiter, header).Trim();
            return $"; the first line '{Visible(line)}' is Excel's delimiter hint, not a header: remove that line and save the file comma-separated ('{delimiter}')";
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
