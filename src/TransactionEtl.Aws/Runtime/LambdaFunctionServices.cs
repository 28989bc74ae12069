using Microsoft.Extensions.Logging;

namespace TransactionEtl.Aws.Runtime;

/// <summary>
/// What a function factory may use from its host: the Lambda bootstrap and <c>txetl lambda invoke</c>
/// both provide it, so the same factory runs in both.
/// </summary>
public sealed class LambdaFunctionServices
{
    /// <summary>Creates the services.</summary>
    public LambdaFunctionServices(ILoggerFactory loggerFactory, TimeProvider timeProvider, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider;
        GetEnvironmentVariable = getEnvironmentVariable;
    }

    /// <summary>Where handlers log.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The clock (deadlines, signing dates, retry delays).</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// Where CloudWatch Embedded Metric Format lines go: stdout in Lambda (CloudWatch parses them there);
    /// <c>txetl lambda invoke</c> sends them to stderr with the logs, since its stdout carries only the response.
    /// </summary>
    public TextWriter MetricsOutput { get; init; } = Console.Out;

    /// <summary>Reads configuration; tests pass a dictionary instead of the process environment.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; }
}
