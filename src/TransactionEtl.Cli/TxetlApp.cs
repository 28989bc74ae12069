using System.Reflection;
using Spectre.Console;
using Spectre.Console.Cli;
using TransactionEtl.Cli.Commands;
using TransactionEtl.Cli.Internal;

namespace TransactionEtl.Cli;

/// <summary>Builds the <c>txetl</c> command tree. Each command lives in its own file under Commands/.</summary>
internal static class TxetlApp
{
    /// <summary>Runs one command line; tests pass their own surroundings instead of the process's.</summary>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        RunAsync(args, CliEnvironment.FromProcess(CreateStandardOutput()), cancellationToken);

    public static Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        args = LeadingOptions.MoveBehindCommand(args);
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("txetl");
            config.SetApplicationVersion(
                typeof(TxetlApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");
            config.ConfigureConsole(environment.Output);
            config.Settings.Registrar.RegisterInstance(environment);
            config.Settings.Registrar.RegisterInstance(environment.Output);
            config.SetInterceptor(new VerboseInterceptor(environment));
            config.SetExceptionHandler((exception, _) => ErrorReporter.Report(exception, environment, args));

            config.AddBranch<GlobalSettings>("db", db =>
            {
                db.SetDescription("The database: the local PostgreSQL in $TXETL_HOME (default ./.txetl/), or --database-url.");
                db.AddCommand<DbMigrateCommand>("migrate")
                    .WithDescription("Create and start the local cluster if needed, then apply pending schema migrations.");
                db.AddCommand<DbUrlCommand>("url")
                    .WithDescription("Print a connection URL, e.g. psql \"$(txetl db url)\".");
                db.AddCommand<DbStatusCommand>("status")
                    .WithDescription("Show whether the local cluster exists and runs (starts nothing).");
                db.AddCommand<DbStopCommand>("stop")
                    .WithDescription("Stop the local cluster.");
            });
            config.AddCommand<ValidateCommand>("validate").WithDescription("Check a CSV file against the contract without a database: what loading would do.");
            // Commands from later issues register here.
            config.AddCommand<RunCommand>("run").WithDescription("Load CSV files into PostgreSQL, each exactly once, all or nothing.");
            config.AddCommand<ReportCommand>("report").WithDescription("Show the file ledger: latest files, statuses, counts.");
            config.AddCommand<RejectsCommand>("rejects").WithDescription("Show a file's rejected rows with reasons, or export them as CSV to fix and resend.");
            config.AddCommand<WatchCommand>("watch").WithDescription("Load each CSV file dropped into a directory, then move it to processed/ or rejected/.");
            config.AddBranch("lambda", lambda =>
            {
                lambda.SetDescription("Run the AWS Lambda functions locally");
                lambda.AddCommand<LambdaInvokeCommand>("invoke")
                    .WithDescription("Run a function's handler in-process on an event and print its response");
            });
            config.AddCommand<SampleCommand>("sample").WithDescription("Write a realistic transactions CSV (demos, benchmarks).");
        });
        return app.RunAsync(args, cancellationToken);
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
