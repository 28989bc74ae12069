using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Observability;

namespace TransactionEtl.Aws.Secrets;

/// <summary>
/// A parsed secret cached for the life of the Lambda container (secrets change only on rotation), with an
/// explicit <see cref="Invalidate"/> for when the consumer learns the value is stale.
/// </summary>
/// <typeparam name="T">The parsed shape (<see cref="RdsSecret"/>, <see cref="ChatWebhookSecret"/>).</typeparam>
internal sealed class CachedSecret<T> : IDisposable where T : class
{
    private readonly SecretReader _reader;
    private readonly Func<string, string, T> _parse;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private T? _value;

    /// <summary>Creates the cache; nothing is read until <see cref="GetAsync"/>.</summary>
    /// <param name="reader">Reads the secret's text.</param>
    /// <param name="secretId">Name or ARN of the secret.</param>
    /// <param name="parse">Parses (secret id, text) into <typeparamref name="T"/>, e.g. <see cref="RdsSecret.Parse"/>.</param>
    /// <param name="logger">For the invalidation line.</param>
    public CachedSecret(SecretReader reader, string secretId, Func<string, string, T> parse, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(logger);
        _reader = reader;
        SecretId = secretId;
        _parse = parse;
        _logger = logger;
    }

    /// <summary>The secret's id.</summary>
    public string SecretId { get; }

    /// <summary>The cached value, reading the secret on first use or after <see cref="Invalidate"/>.</summary>
    public async Task<T> GetAsync(CancellationToken cancellationToken)
    {
        var cached = Volatile.Read(ref _value);
        if (cached is not null)
        {
            return cached;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Concurrent callers that waited behind the first reader take its result.
            if (_value is null)
            {
                var text = await _reader.ReadAsync(SecretId, cancellationToken);
                Volatile.Write(ref _value, _parse(SecretId, text));
            }
            return _value!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops the cached value so the next <see cref="GetAsync"/> reads the secret again.</summary>
    /// <param name="reason">Why (logged), e.g. "database refused the credentials".</param>
    public void Invalidate(string reason)
    {
        Volatile.Write(ref _value, null);
        _logger.SecretInvalidated(SecretId, reason);
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
