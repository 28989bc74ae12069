using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability.Internal;

namespace TransactionEtl.Aws.Observability;

/// <summary>
/// Writes one JSON object per line (CloudWatch Logs parses them for Logs Insights): timestamp, level,
/// message, function, execution name, bucket, key, file id, trace id, event id, and the exception's type
/// and message. Every string passes through the <see cref="SecretRedactor"/>.
/// </summary>
public sealed class JsonLoggerProvider : ILoggerProvider
{
    private readonly JsonLineWriter _writer;

    /// <summary>Creates the provider.</summary>
    /// <param name="output">Where lines go (stdout in Lambda); writes are serialized so lines never interleave.</param>
    /// <param name="options">Function name and minimum level.</param>
    /// <param name="redactor">The process's registry of secret values.</param>
    /// <param name="traceHeader">Reads the current X-Ray trace header; defaults to the <c>_X_AMZN_TRACE_ID</c> variable, which the runtime loop sets per invocation.</param>
    /// <param name="timeProvider">Clock for timestamps.</param>
    public JsonLoggerProvider(TextWriter output, LoggingOptions options, SecretRedactor redactor,
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

    /// <inheritdoc />
    public void Dispose() => _writer.Flush();
}
