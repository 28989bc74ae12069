using System.Globalization;
using System.Text;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// The one rendering of text from outside (cells, headers, file names, error messages quoting them) for a human reader:
/// every character a terminal would act on or not show is written as text instead. ESC and BEL in a cell could otherwise
/// retitle the terminal or colour what follows, and a bidi override reorder it. JSON and CSV output never pass here:
/// they stay byte-exact.
/// </summary>
/// <remarks>
/// NUL is <c>\0</c>; the other C0 controls and DEL are <c>\xHH</c> (<c>\x1b</c>, <c>\x07</c>, <c>\x09</c> for a tab);
/// everything else that is invisible is <c>U+HHHH</c>: C1 controls, format characters (bidi controls such as U+202E,
/// zero-width spaces and joiners, the BOM, soft hyphen), line and paragraph separators, and lone surrogates. A backslash
/// in the data is left as it is.
/// </remarks>
internal static class Visible
{
    /// <summary><paramref name="text"/> with every invisible or control character written out.</summary>
    public static string Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 16);
        var clean = true;
        for (var i = 0; i < text.Length;)
        {
            var status = Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
            var hidden = status != System.Buffers.OperationStatus.Done;
            var value = hidden ? text[i] : rune.Value;
            if (hidden || IsHidden(rune))
            {
                clean = false;
                builder.Append(value switch
                {
                    0 => "\\0",
                    < 0x80 => string.Create(CultureInfo.InvariantCulture, $"\\x{value:x2}"),
                    _ => string.Create(CultureInfo.InvariantCulture, $"U+{value:X4}"),
                });
            }
            else
            {
                builder.Append(text, i, consumed);
            }

            i += consumed;
        }

        return clean ? text : builder.ToString();
    }

    /// <summary>Like <see cref="Text"/>, line by line: the line breaks of a multi-line text (a stack trace) are kept.</summary>
    public static string Lines(string text) =>
        string.Join(Environment.NewLine, text.ReplaceLineEndings("\n").Split('\n').Select(Text));

    /// <summary><see cref="Text"/>, then escaped for Spectre markup (<c>[</c> and <c>]</c>), for table cells and markup lines.</summary>
    public static string Markup(string text) => Spectre.Console.Markup.Escape(Text(text));

    private static bool IsHidden(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
}
