using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// Turns any exception into one line on stderr and an exit code; the stack trace only with --verbose.
/// Our own exceptions already say where and what to do; anything else is a bug or an environment
/// problem, named by its type.
/// </summary>
internal static class ErrorReporter
{
    public static int Report(Exception exception, CliEnvironment environment, IReadOnlyCollection<string> args)
    {
        var (message, code) = exception switch
        {
            OperationCanceledException => ("cancelled", ExitCodes.Cancelled),
            UsageException usage => ($"{exception.Message} (see `{usage.Command} --help`)", ExitCodes.Usage),
            NoLocalDatabaseException => (exception.Message, ExitCodes.NoDatabase),
            TransactionEtlException => (exception.Message, ExitCodes.Failure),
            _ => ($"unexpected {exception.GetType().Name}: {exception.Message}", ExitCodes.Failure),
        };
        environment.Error.WriteLine("txetl: error: " + Visible.Text(OneLine(message)));
        if (environment.Verbose || args.Contains("--verbose"))
        {
            environment.Error.WriteLine(Visible.Lines(exception.ToString()));
        }
        environment.Error.Flush();
        return code;
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
