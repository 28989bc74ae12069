using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability.Internal;

namespace TransactionEtl.Aws.Observability;

/// <summary>
/// Writes one JSON object per line (CloudWatch Logs parses them for Logs Insights): timestamp, level,
/// message, function, execution name, bucket, key, file id, trace id, event id, and the exception's type
/// and message. Every string passes through the <see cref="SecretRedactor"/>. A factory rather than a
/// provider so the AOT bootstrap needs nothing beyond Microsoft.Extensions.Logging.Abstractions.
/// </summary>
public sealed class JsonLoggerFactory : ILoggerFactory
{
    private readonly JsonLineWriter _writer;

    /// <summary>Creates the factory.</summary>
    /// <param name="output">Where lines go (stdout in Lambda); writes are serialized so lines never interleave.</param>
    /// <param name="options">Function name and minimum level.</param>
    /// <param name="redactor">The process's registry of secret values.</param>
    /// <param name="traceHeader">Reads the current X-Ray trace header; defaults to the <c>_X_AMZN_TRACE_ID</c> variable, which the runtime loop sets per invocation.</param>
    /// <param name="timeProvider">Clock for timestamps.</param>
    public JsonLoggerFactory(TextWriter output, LoggingOptions options, SecretRedactor redactor,
        Func<string?>? traceHeader = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(redactor);
        _writer = new JsonLineWriter(output, options, redactor,
            traceHeader ?? (() => Environment.GetEnvironmentVariable(EnvironmentVariables.TraceId)),
            timeProvider ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new JsonLogger(categoryName, _writer);

    /// <summary>Not supported: this factory writes its own lines and takes no providers.</summary>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("JsonLoggerFactory writes its own lines; it takes no providers.");

    /// <inheritdoc />
    public void Dispose() => _writer.Flush();
}
