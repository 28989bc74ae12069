using TransactionEtl.Aws.Configuration;

namespace TransactionEtl.Aws.Secrets;

/// <summary>Where and how <see cref="SecretsManagerClient"/> calls Secrets Manager; validated when created.</summary>
internal sealed class SecretsManagerClientOptions
{
    /// <summary>Creates options.</summary>
    public SecretsManagerClientOptions(string region, Uri endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The Secrets Manager endpoint '{endpoint}' is not an absolute http(s) URL.", nameof(endpoint));
        }
        Region = region;
        Endpoint = endpoint;
    }

    /// <summary>Signing region.</summary>
    public string Region { get; }

    /// <summary>Service endpoint; requests POST to its root.</summary>
    public Uri Endpoint { get; }

    /// <summary>Attempts in all, the first included (throttling, 5xx and broken connections only), as the SDKs' standard mode.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Backoff base: attempt n waits a random time in [0, min(MaxDelay, BaseDelay * 2^n)).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Backoff cap.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Per-attempt timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The SDK convention: <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c>, else <c>AWS_ENDPOINT_URL</c>, else
    /// <c>https://secretsmanager.{region}.amazonaws.com/</c> (the interface VPC endpoint answers that name
    /// through its private DNS).
    /// </summary>
    /// <exception cref="ConfigurationException">No region: a signature needs one.</exception>
    public static SecretsManagerClientOptions For(AwsServiceEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var region = endpoints.Region ?? throw new ConfigurationException(
            $"{EnvironmentVariables.Region} is not set: reading a secret from Secrets Manager needs a region (Lambda sets it; locally export AWS_REGION=eu-central-1 or similar). See docs/configuration.md.");
        return new SecretsManagerClientOptions(region, endpoints.SecretsManager ?? new Uri($"https://secretsmanager.{region}.amazonaws.com/"));
    }
}
