using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;

namespace TransactionEtl.Aws.Secrets;

/// <summary>
/// Reads Secrets Manager secrets by name or ARN through <see cref="SecretsManagerClient"/>. Every value read
/// is registered with the <see cref="SecretRedactor"/> before it is returned.
/// </summary>
internal sealed class SecretReader
{
    private readonly SecretsManagerClient _client;
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;

    /// <summary>Creates the reader over a Secrets Manager client.</summary>
    public SecretReader(SecretsManagerClient client, SecretRedactor redactor, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(redactor);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _redactor = redactor;
        _logger = logger;
    }

    /// <summary>
    /// The reader a function uses: the endpoint from <paramref name="endpoints"/> (SDK conventions), the
    /// process-wide redactor, and <paramref name="credentials"/> or, when null, AWSSDK.Core's default chain
    /// (in Lambda the AWS_* variables including the session token).
    /// </summary>
    /// <exception cref="Configuration.ConfigurationException">No region.</exception>
    public static SecretReader Create(AwsServiceEndpoints endpoints, AWSCredentials? credentials, TimeProvider clock, ILogger logger)
    {
        var client = new SecretsManagerClient(null, SecretsManagerClientOptions.For(endpoints),
            credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(), clock);
        return new SecretReader(client, SecretRedactor.Process, logger);
    }

    /// <summary>Reads the current value of a secret (its SecretString).</summary>
    /// <param name="secretId">Name or ARN of the secret.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="SecretReadException">Not found, not allowed, throttled or unreachable.</exception>
    public async Task<string> ReadAsync(string secretId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        var value = await _client.GetSecretStringAsync(secretId, cancellationToken);
        _redactor.Register(value);
        RegisterSensitiveFields(value);
        _logger.SecretRead(secretId);
        return value;
    }

    /// <summary>
    /// A JSON secret's password or webhook URL can turn up on its own (a connection error, an
    /// HttpRequestException), so those fields are registered one by one. Host and user names stay
    /// readable: masking them would make connection errors useless and they grant nothing alone.
    /// </summary>
    private void RegisterSensitiveFields(string value)
    {
        if (!value.TrimStart().StartsWith('{'))
        {
            return;
        }
        try
        {
            using var doc = JsonDocument.Parse(value);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String && IsSensitiveName(property.Name))
                {
                    var text = property.Value.GetString();
                    _redactor.Register(text);
                    if (Uri.TryCreate(text, UriKind.Absolute, out var uri))
                    {
                        // Webhook URLs carry their credential in the path or query; HttpClient messages may show either alone.
                        _redactor.Register(uri.PathAndQuery.Length > 1 ? uri.PathAndQuery : null);
                        _redactor.Register(uri.Query.Length > 1 ? uri.Query : null);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: the whole value is registered, which is all there is to protect.
        }
    }

    private static bool IsSensitiveName(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("url", StringComparison.OrdinalIgnoreCase);
}
