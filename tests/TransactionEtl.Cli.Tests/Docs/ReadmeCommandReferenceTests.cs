using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests.Docs;

/// <summary>
/// README.md's command reference against the real command tree: each command has a row, and its rows name each of
/// its options. A new option without a README line fails here, with the list of what is missing.
/// </summary>
public sealed class ReadmeCommandReferenceTests
{
    private static readonly ReadmeCommandRows Readme = new(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")));

    [Fact]
    public void README_names_every_command_and_every_option_of_the_command_tree()
    {
        var missing = new List<string>();
        foreach (var (path, command) in CommandTree.All())
        {
            if (!Readme.Names(path))
            {
                missing.Add($"`{path}`: no table row starting with `{path}`");
                continue;
            }
            var options = CommandTree.OwnOptions(command).Select(o => o.Name).Where(name => !Readme.Names(path, name)).ToList();
            if (options.Count > 0)
            {
                missing.Add($"`{path}`: {string.Join(", ", options)}");
            }
        }

        Assert.True(missing.Count == 0,
            "README.md's command reference (table rows whose first cell is `txetl <command> ...`) does not name:\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public void README_synopses_name_only_options_the_command_has()
    {
        var all = CommandTree.All();
        var globals = all[0].Command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var (path, command) in all)
        {
            var known = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
            var stale = Readme.SynopsisOptions(path).Where(o => !known.Contains(o) && !globals.Contains(o)).ToList();
            if (stale.Count > 0)
            {
                unknown.Add($"`{path}`: {string.Join(", ", stale)}");
            }
        }

        Assert.True(unknown.Count == 0, "README.md's synopses name options the command does not have:\n  " + string.Join("\n  ", unknown));
    }
}
