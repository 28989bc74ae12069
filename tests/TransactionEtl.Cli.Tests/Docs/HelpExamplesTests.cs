using System.Text;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests.Docs;

/// <summary>
/// Every command's <c>--help</c> ends with real examples, and the examples that need no database (validate, sample, contract)
/// run as written, in a scratch copy of the repository's samples/ and contracts/.
/// </summary>
public sealed class HelpExamplesTests : IDisposable
{
    /// <summary>Commands whose examples run here for real: the others need a database or AWS endpoints.</summary>
    private static readonly string[] WithoutDatabase = ["validate", "sample", "contract"];

    private readonly ScratchDirectory _dir = new("txetl-help-examples-");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> CommandPaths() => new(CommandTree.All().Select(c => c.Path));

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Help_ends_with_at_least_two_examples_of_the_command(string path)
    {
        var args = path.Split(' ').Skip(1).Append("--help").ToArray();

        var result = await CliTestHost.RunAsync(null, Path.GetTempPath(), args);

        Assert.Equal(0, result.ExitCode);
        var examples = ExamplesSection(result.Stdout);
        Assert.True(examples is not null, $"`{path} --help` has no Examples: section at its end:\n{result.Stdout}");
        Assert.True(examples.Count(e => e == path || e.StartsWith(path + " ", StringComparison.Ordinal)) >= 2,
            $"`{path} --help` needs at least two examples starting `{path}`:\n{string.Join("\n", examples)}");
    }

    [Fact]
    public async Task Examples_that_need_no_database_run_as_written()
    {
        var work = CopyOfSamples();
        var lines = new List<string>();
        foreach (var (path, _) in CommandTree.All())
        {
            lines.AddRange(await HelpExamplesOfAsync(path));
        }
        var examples = lines
            .Distinct(StringComparer.Ordinal)
            .Select(Words)
            .Where(words => words.Length > 1 && WithoutDatabase.Contains(words[1]))
            .ToList();
        Assert.NotEmpty(examples);

        var failed = new List<string>();
        foreach (var words in examples)
        {
            var result = await CliTestHost.RunAsync(new Dictionary<string, string?> { ["TXETL_HOME"] = Path.Combine(work, "no-home") }, work, words[1..]);
            // 2 is validate's verdict "would be rejected" (an example may show it); 1 and 64 mean the example is wrong.
            if (result.ExitCode is not (0 or 2))
            {
                failed.Add($"{string.Join(' ', words)} -> exit {result.ExitCode}: {result.Stderr.Trim()}");
            }
        }

        Assert.True(failed.Count == 0, "help examples that fail:\n  " + string.Join("\n  ", failed));
        Assert.False(Directory.Exists(Path.Combine(work, "no-home")), "an example without a database created a cluster");
        Assert.True(File.Exists(Path.Combine(work, "out", "big.csv")), "the sample example into out/ wrote no file");
    }

    /// <summary>The lines of the Examples: section, which must be the last section of the help.</summary>
    private static List<string>? ExamplesSection(string help)
    {
        var lines = help.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        var start = Array.LastIndexOf(lines, "Examples:");
        if (start < 0 || lines.Skip(start + 1).Any(l => l.Length > 0 && !l.StartsWith("  ", StringComparison.Ordinal)))
        {
            return null;
        }
        return lines.Skip(start + 1).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
    }

    private static async Task<List<string>> HelpExamplesOfAsync(string path)
    {
        var result = await CliTestHost.RunAsync(null, Path.GetTempPath(), path.Split(' ').Skip(1).Append("--help").ToArray());
        return ExamplesSection(result.Stdout) ?? [];
    }

    /// <summary>A shell line as the shell would split it: quotes ('' and ""), and a # comment after white space.</summary>
    private static string[] Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in line)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words.ToArray();
    }

    private string CopyOfSamples()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;
        foreach (var folder in new[] { "samples", "contracts" })
        {
            var source = Path.Combine(RepositoryRoot.Path, folder);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(work, folder, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        return work;
    }
}
