using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Observability;

namespace TransactionEtl.Aws.Secrets;

/// <summary>
/// Reads Secrets Manager secrets through SSM Parameter Store's documented reference path
/// <c>/aws/reference/secretsmanager/&lt;secret-id&gt;</c> (with decryption), because AWSSDK.SecretsManager
/// is not available here while AWSSDK.SimpleSystemsManagement is. Every value read is registered with the
/// <see cref="SecretRedactor"/> before it is returned.
/// </summary>
internal sealed class SecretReader
{
    /// <summary>The SSM path prefix that resolves to a Secrets Manager secret.</summary>
    public const string ReferencePrefix = "/aws/reference/secretsmanager/";

    private readonly IAmazonSimpleSystemsManagement _ssm;
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;

    /// <summary>Creates the reader over an SSM client (see <see cref="SsmClientFactory"/>).</summary>
    public SecretReader(IAmazonSimpleSystemsManagement ssm, SecretRedactor redactor, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(ssm);
        ArgumentNullException.ThrowIfNull(redactor);
        ArgumentNullException.ThrowIfNull(logger);
        _ssm = ssm;
        _redactor = redactor;
        _logger = logger;
    }

    /// <summary>Reads the current value of a secret (its SecretString).</summary>
    /// <param name="secretId">Name or ARN of the secret.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="SecretReadException">Not found, not allowed, throttled or unreachable.</exception>
    public async Task<string> ReadAsync(string secretId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        var name = ReferencePrefix + secretId;
        GetParameterResponse response;
        try
        {
            response = await _ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true }, cancellationToken);
        }
        catch (ParameterNotFoundException ex)
        {
            throw new SecretReadException(
                $"Secret '{secretId}' was not found through SSM parameter '{name}'; check the secret id in the function's configuration and that the secret exists in this region.",
                isTransient: false, ex);
        }
        catch (AmazonServiceException ex) when (IsTransient(ex))
        {
            throw new SecretReadException(
                $"Reading secret '{secretId}' failed with {ex.ErrorCode ?? ex.StatusCode.ToString()} (HTTP {(int)ex.StatusCode}); a retry may succeed.",
                isTransient: true, ex);
        }
        catch (AmazonServiceException ex)
        {
            throw new SecretReadException(
                $"Reading secret '{secretId}' was refused with {ex.ErrorCode ?? ex.StatusCode.ToString()} (HTTP {(int)ex.StatusCode}); the function's role needs ssm:GetParameter on '{name}' and secretsmanager:GetSecretValue (and kms:Decrypt) on the secret.",
                isTransient: false, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or AmazonClientException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new SecretReadException(
                $"Reading secret '{secretId}' failed before SSM answered ({ex.GetType().Name}); a retry may succeed.",
                isTransient: true, ex);
        }

        var value = response.Parameter?.Value;
        if (string.IsNullOrEmpty(value))
        {
            throw new SecretReadException(
                $"Secret '{secretId}' has no SecretString; store the value as JSON text, not binary.", isTransient: false);
        }
        _redactor.Register(value);
        RegisterSensitiveFields(value);
        _logger.SecretRead(secretId, name);
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

    private static bool IsTransient(AmazonServiceException ex) =>
        (int)ex.StatusCode >= 500
        || ex.StatusCode == HttpStatusCode.TooManyRequests
        || ex.ErrorCode is "ThrottlingException" or "TooManyUpdates" or "InternalServerError" or "RequestTimeout";
}
