using System.Text.RegularExpressions;

namespace TransactionEtl.Cli.Tests.Docs;

/// <summary>
/// README.md's command reference: every table row whose first cell is a <c>txetl ...</c> synopsis. A row belongs to
/// the command its leading lower-case words name (<c>txetl db url --tcp</c> to <c>txetl db url</c>;
/// <c>txetl db migrate\|url</c> to both); <c>txetl [--verbose] ...</c> is the root's row.
/// </summary>
internal sealed partial class ReadmeCommandRows
{
    private readonly List<(string Path, string FirstCell, string Row)> _rows = [];

    public ReadmeCommandRows(string markdown)
    {
        foreach (var line in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            if (!line.StartsWith('|'))
            {
                continue;
            }
            var cells = CellSeparator().Split(line.Trim().Trim('|'));
            var synopsis = cells[0].Replace("`", "", StringComparison.Ordinal).Trim();
            var words = synopsis.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words[0] != "txetl")
            {
                continue;
            }
            foreach (var path in Paths(words))
            {
                _rows.Add((path, synopsis, line));
            }
        }
    }

    /// <summary>Whether some row's command is <paramref name="path"/> or one of its subcommands.</summary>
    public bool Names(string path) => _rows.Any(r => r.Path == path || r.Path.StartsWith(path + " ", StringComparison.Ordinal));

    /// <summary>Whether a row of exactly <paramref name="path"/> names <paramref name="option"/> (as a whole word).</summary>
    public bool Names(string path, string option)
    {
        var word = new Regex($"(?<![\\w-]){Regex.Escape(option)}(?![\\w-])");
        return _rows.Any(r => r.Path == path && word.IsMatch(r.Row));
    }

    /// <summary>The options written in the synopses of <paramref name="path"/>'s rows (<c>--csv</c>, <c>-o</c>, ...).</summary>
    public IEnumerable<string> SynopsisOptions(string path) =>
        _rows.Where(r => r.Path == path).SelectMany(r => OptionToken().Matches(r.FirstCell).Select(m => m.Value)).Distinct();

    /// <summary><c>txetl db migrate\|url</c> is the paths <c>txetl db migrate</c> and <c>txetl db url</c>.</summary>
    private static List<string> Paths(string[] words)
    {
        var paths = new List<string> { "txetl" };
        foreach (var word in words.Skip(1))
        {
            var alternatives = word.Split("\\|");
            if (!alternatives.All(a => CommandWord().IsMatch(a)))
            {
                break;
            }
            paths = paths.SelectMany(p => alternatives.Select(a => p + " " + a)).ToList();
        }
        return paths;
    }

    /// <summary>A markdown cell border: a pipe not escaped as <c>\|</c>.</summary>
    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSeparator();

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex CommandWord();

    [GeneratedRegex(@"(?<![\w-])--?[A-Za-z][\w-]*")]
    private static partial Regex OptionToken();
}
