using System.CommandLine;
using Spectre.Console;
using TransactionEtl.Cli.Internal;

namespace TransactionEtl.Cli.Tests.Docs;

/// <summary>The real <c>txetl</c> command tree (as <see cref="TxetlApp"/> builds it), walked as (path, command) pairs.</summary>
internal static class CommandTree
{
    /// <summary>Every command, the root first: ("txetl", root), ("txetl db", db), ("txetl db url", ...), ...</summary>
    public static IReadOnlyList<(string Path, Command Command)> All()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        var root = TxetlApp.CreateCommandTree(new CliEnvironment(console, TextWriter.Null, _ => null, Path.GetTempPath()));
        var all = new List<(string, Command)>();
        Walk(root, root.Name, all);
        return all;
    }

    /// <summary>The options a command declares itself (the root's global ones only on the root), hidden ones left out.</summary>
    public static IEnumerable<Option> OwnOptions(Command command) => command.Options.Where(o => !o.Hidden);

    private static void Walk(Command command, string path, List<(string, Command)> all)
    {
        all.Add((path, command));
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            Walk(sub, path + " " + sub.Name, all);
        }
    }
}
