using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.Runtime;
using TransactionEtl.Aws.Secrets.Internal;
using TransactionEtl.Aws.Signing;

namespace TransactionEtl.Aws.Secrets;

/// <summary>
/// Secrets Manager <c>GetSecretValue</c> over AWS JSON 1.1 with the project's SigV4 signer (as
/// <see cref="StepFunctions.StepFunctionsClient"/> does for Step Functions): <c>POST /</c>,
/// <c>X-Amz-Target: secretsmanager.GetSecretValue</c>, body <c>{"SecretId":..}</c>, answer's
/// <c>SecretString</c>. Throttling, 5xx and broken connections are retried a few times with full jitter;
/// what is still failing then is a transient <see cref="SecretReadException"/>, anything else a permanent one.
/// Messages name the secret id, never a value.
/// </summary>
internal sealed class SecretsManagerClient
{
    /// <summary>The SigV4 service name (the credential scope's third part).</summary>
    public const string SigningService = "secretsmanager";

    /// <summary>The operation's X-Amz-Target.</summary>
    public const string Target = "secretsmanager.GetSecretValue";

    private const string EndpointVariable = Configuration.EnvironmentVariables.EndpointUrlSecretsManager;

    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.1");

    // One connection pool per container; recycled so DNS changes of the (VPC) endpoint are seen.
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    }));

    private readonly HttpClient _http;
    private readonly SecretsManagerClientOptions _options;
    private readonly AWSCredentials _credentials;
    private readonly TimeProvider _clock;

    /// <summary>Creates a client. <paramref name="http"/> is caller-owned and may be shared; null uses the container's own.</summary>
    public SecretsManagerClient(HttpClient? http, SecretsManagerClientOptions options, AWSCredentials credentials, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(clock);
        _http = http ?? SharedHttp.Value;
        _options = options;
        _credentials = credentials;
        _clock = clock;
    }

    /// <summary>The endpoint requests go to.</summary>
    public Uri Endpoint => _options.Endpoint;

    /// <summary>Reads the current (AWSCURRENT) SecretString of <paramref name="secretId"/>.</summary>
    /// <exception cref="SecretReadException">Not found, refused, binary-only, or still failing after the retries (transient).</exception>
    public async Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        var body = JsonSerializer.SerializeToUtf8Bytes(new GetSecretValueRequest { SecretId = secretId }, SecretsJsonContext.Default.GetSecretValueRequest);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AttemptAsync(secretId, body, cancellationToken);
            }
            catch (SecretReadException ex) when (ex.IsTransient && attempt < _options.MaxAttempts)
            {
                await Task.Delay(FullJitter(attempt), _clock, cancellationToken);
            }
        }
    }

    private async Task<string> AttemptAsync(string secretId, byte[] body, CancellationToken cancellationToken)
    {
        // Fetched per attempt: the SDK's providers cache and refresh temporary credentials themselves.
        var credentials = await _credentials.GetCredentialsAsync();
        using var message = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", Target);
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = AmzJson;
        SigV4Signer.SignHttpRequest(message, body, credentials, _options.Region, SigningService, _clock.GetUtcNow());

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_options.AttemptTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, attempt.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new SecretReadException(
                $"Reading secret '{secretId}' failed before Secrets Manager at {_options.Endpoint.Host} answered ({ex.GetType().Name}); a retry may succeed.",
                isTransient: true, ex);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(secretId, response, text);
            }
            GetSecretValueResponse? value;
            try
            {
                value = JsonSerializer.Deserialize(text, SecretsJsonContext.Default.GetSecretValueResponse);
            }
            catch (JsonException)
            {
                // The text may hold the secret: neither quoted nor chained.
                throw new SecretReadException($"Secrets Manager's answer for '{secretId}' is not JSON; is {EndpointVariable} pointing at Secrets Manager?", isTransient: false);
            }
            return string.IsNullOrEmpty(value?.SecretString)
                ? throw new SecretReadException($"Secret '{secretId}' has no SecretString; store the value as JSON text, not binary.", isTransient: false)
                : value.SecretString;
        }
    }

    private static SecretReadException Failure(string secretId, HttpResponseMessage response, string body)
    {
        var (code, awsMessage) = ParseError(response, body);
        var status = (int)response.StatusCode;
        var what = $"{code ?? "HTTP " + status.ToString(CultureInfo.InvariantCulture)} (HTTP {status}): {awsMessage}";
        if (code == "ResourceNotFoundException")
        {
            return new SecretReadException(
                $"Secret '{secretId}' was not found: {what}; check the secret ARN in the function's configuration and that the secret exists in this region.", isTransient: false);
        }
        if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || code is "ThrottlingException" or "InternalServiceError" or "RequestTimeout")
        {
            return new SecretReadException($"Reading secret '{secretId}' failed with {what}; a retry may succeed.", isTransient: true);
        }
        return new SecretReadException(
            $"Reading secret '{secretId}' was refused with {what}; the function's role needs secretsmanager:GetSecretValue on the secret and kms:Decrypt on its key.",
            isTransient: false);
    }

    private static (string? Code, string Message) ParseError(HttpResponseMessage response, string body)
    {
        SecretsManagerError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, SecretsJsonContext.Default.SecretsManagerError);
        }
        catch (JsonException)
        {
            // Proxies answer with HTML; the status code still tells what happened.
        }
        var type = error?.Type ?? (response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null);
        // "ResourceNotFoundException", "...#ResourceNotFoundException" or "ResourceNotFoundException:http://..."
        var code = type?[(type.LastIndexOf('#') + 1)..].Split(':')[0];
        return (string.IsNullOrEmpty(code) ? null : code, error?.Message ?? error?.MessageLower ?? response.ReasonPhrase ?? "no message");
    }

    private TimeSpan FullJitter(int attempt)
    {
        var ceiling = Math.Min(_options.MaxDelay.TotalMilliseconds, _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt));
        // Spreads the retries of many containers; not security-relevant.
#pragma warning disable CA5394
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
#pragma warning restore CA5394
    }
}
