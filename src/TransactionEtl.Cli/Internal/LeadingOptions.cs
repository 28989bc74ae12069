namespace TransactionEtl.Cli.Internal;

/// <summary>
/// Lets the options every command takes (<c>--verbose</c>, <c>--database-url</c>) stand before the command
/// as well as after it: <c>txetl --verbose db migrate</c> is <c>txetl db migrate --verbose</c>. Spectre.Console.Cli
/// binds options to the command they follow, so those in front are moved behind the command line.
/// </summary>
internal static class LeadingOptions
{
    private const string Verbose = "--verbose";
    private const string DatabaseUrl = "--database-url";

    public static string[] MoveBehindCommand(string[] args)
    {
        var leading = new List<string>();
        var i = 0;
        while (i < args.Length)
        {
            if (args[i] == Verbose || args[i].StartsWith(DatabaseUrl + "=", StringComparison.Ordinal))
            {
                leading.Add(args[i]);
                i++;
            }
            else if (args[i] == DatabaseUrl && i + 1 < args.Length)
            {
                leading.Add(args[i]);
                leading.Add(args[i + 1]);
                i += 2;
            }
            else
            {
                break;
            }
        }
        // Nothing in front, or nothing but options (then Spectre's own "no command" help applies).
        return leading.Count == 0 || i == args.Length ? args : [.. args[i..], .. leading];
    }
}
