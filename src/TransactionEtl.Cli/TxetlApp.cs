using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Spectre.Console;
using TransactionEtl.Cli.Commands;
using TransactionEtl.Cli.Internal;

namespace TransactionEtl.Cli;

/// <summary>
/// Builds the <c>txetl</c> command tree (System.CommandLine: no reflection, so the binary can be Native AOT)
/// and runs one command line. Each command lives in its own file under Commands/.
/// </summary>
internal static class TxetlApp
{
    /// <summary>Runs one command line; tests pass their own surroundings instead of the process's.</summary>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        RunAsync(args, CliEnvironment.FromProcess(CreateStandardOutput()), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        // Workbooks and Parquet files are read on the JIT only: ExcelDataReader and Parquet.Net fail the Native AOT
        // publish (IL2077, IL3050, IL2070; TabularReaders says where). Under AOT this constant is false, the call is
        // trimmed away with both libraries, and such a file is refused with a sentence saying so.
        if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
        {
            TransactionEtl.Core.TabularReaders.Enable();
        }
        var globals = new GlobalOptions();
        var root = CreateRootCommand(environment, globals);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // Several messages for one mistake are possible (an unknown token and a missing argument); one line holds them.
            // An unknown option in front of a file name pushes that name out of its place too; the option is the mistake.
            var messages = parse.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal).ToList();
            if (messages.Any(m => m.StartsWith(OptionChecks.UnknownOption, StringComparison.Ordinal)))
            {
                messages.RemoveAll(m => !m.StartsWith(OptionChecks.UnknownOption, StringComparison.Ordinal));
            }
            var message = string.Join(" ", messages);
            return ErrorReporter.Report(new UsageException(message, CommandPath(parse.CommandResult)), environment, args);
        }

        environment.Verbose = parse.GetValue(globals.Verbose);
        environment.Quiet = parse.GetValue(globals.Quiet);
        var invocation = new InvocationConfiguration
        {
            // Help and --version go to the environment's stdout, so in-process tests see them.
            Output = environment.Output.Profile.Out.Writer,
            Error = environment.Error,
            // Errors are ours to print (one line, stack only with --verbose)...
            EnableDefaultExceptionHandler = false,
            // ...and Ctrl+C is Program.cs's: it cancels the token, the loader rolls back.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception exception)
        {
            return ErrorReporter.Report(exception, environment, args);
        }
    }

    /// <summary>The whole command tree, for tests that check the README and the help against it.</summary>
    internal static Command CreateCommandTree(CliEnvironment environment) => CreateRootCommand(environment, new GlobalOptions());

    private static Command CreateRootCommand(CliEnvironment environment, GlobalOptions globals)
    {
        // Help at the width of the console it goes to (unbounded when redirected, see CreateStandardOutput),
        // ending with the command's examples.
        var help = new HelpWithExamplesAction(new HelpAction { MaxWidth = environment.Output.Profile.Width });
        // Not a RootCommand: that one is named after the running executable, which in-process tests replace
        // with the test host; help must say `txetl` wherever it runs.
        var root = new Command("txetl", "Load CSV files of financial transactions into PostgreSQL exactly once, all or nothing.")
        {
            new HelpOption { Action = help },
            // No -v: it means --verbose to many, so it is nothing here rather than a surprise.
            new VersionOption("--version") { Action = new VersionAction() },
        };
        root.Options.Add(globals.Verbose);
        root.Options.Add(globals.Quiet);
        root.Options.Add(globals.DatabaseUrl);
        // `txetl` alone, like `txetl db`, names no command: it shows the help and fails as a usage error.
        root.SetAction(parse => ShowHelpAndFail(help, parse));

        var db = new Command("db", "The database: the local PostgreSQL in $TXETL_HOME (default ./.txetl/), or --database-url.")
        {
            new DbMigrateCommand(environment, globals),
            new DbUrlCommand(environment, globals),
            new DbStatusCommand(environment, globals),
            new DbStopCommand(environment, globals),
        };
        db.SetAction(parse => ShowHelpAndFail(help, parse));
        root.Subcommands.Add(db);
        root.Subcommands.Add(new ValidateCommand(environment));
        root.Subcommands.Add(new RunCommand(environment, globals));
        root.Subcommands.Add(new ReportCommand(environment, globals));
        root.Subcommands.Add(new RejectsCommand(environment, globals));
        root.Subcommands.Add(new WatchCommand(environment, globals));
        var lambda = new Command("lambda", "Run the AWS Lambda functions locally") { new LambdaInvokeCommand(environment, globals) };
        lambda.SetAction(parse => ShowHelpAndFail(help, parse));
        root.Subcommands.Add(lambda);
        var aws = new Command("aws", "Work with the deployed pipeline in AWS (credentials and region from the AWS SDK's usual sources)") { new AwsBackfillCommand(environment) };
        aws.SetAction(parse => ShowHelpAndFail(help, parse));
        root.Subcommands.Add(aws);
        root.Subcommands.Add(new SampleCommand(environment));
        var contract = new Command("contract", "Contract files: check one, print its table's SQL. No database.")
        {
            new ContractCheckCommand(environment),
            new ContractDdlCommand(environment),
        };
        contract.SetAction(parse => ShowHelpAndFail(help, parse));
        root.Subcommands.Add(contract);
        OptionChecks.RefuseOptionsAsArguments(root);
        return root;
    }

    /// <summary>"txetl db url": the command a parse ended in, for the help a usage error points to.</summary>
    internal static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is CommandResult command; current = command.Parent)
        {
            names.Insert(0, command.Command.Name);
        }
        return string.Join(' ', names);
    }

    private static int ShowHelpAndFail(HelpWithExamplesAction help, ParseResult parse)
    {
        help.Invoke(parse);
        return ExitCodes.Usage;
    }

    /// <summary>
    /// Stdout console. When redirected (<c>$(txetl db url)</c>), lines must not be wrapped at a guessed
    /// 80 columns, so the width is unbounded there.
    /// </summary>
    private static IAnsiConsole CreateStandardOutput()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 32_767;
        }
        return console;
    }
}
