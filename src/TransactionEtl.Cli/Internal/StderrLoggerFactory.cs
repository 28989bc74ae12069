using Microsoft.Extensions.Logging;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <see cref="StderrLogger"/> for the AWS clients that take a logger factory (txetl aws backfill): their retries
/// ("throttled, retrying in ...") show on standard error, standard output keeps the result.
/// </summary>
internal sealed class StderrLoggerFactory(TextWriter error) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(error);

    public void AddProvider(ILoggerProvider provider)
    {
        // One fixed sink: nothing to add.
    }

    public void Dispose()
    {
        // The writer belongs to the caller.
    }
}
