using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Runtime;

namespace TransactionEtl.Aws.StepFunctions;

/// <summary>Where and how the StartExecution client calls Step Functions; validated when created.</summary>
public sealed class StepFunctionsClientOptions
{
    /// <summary>Creates options.</summary>
    public StepFunctionsClientOptions(string region, Uri endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The Step Functions endpoint '{endpoint}' is not an absolute http(s) URL.", nameof(endpoint));
        }
        Region = region;
        Endpoint = endpoint;
    }

    /// <summary>Signing region.</summary>
    public string Region { get; }

    /// <summary>Service endpoint; requests POST to its root.</summary>
    public Uri Endpoint { get; }

    /// <summary>Attempts in all, the first included (throttling and 5xx only).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>Backoff base: attempt n waits a random time in [0, min(MaxDelay, BaseDelay * 2^n)) ("full jitter").</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Backoff cap.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-attempt timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Reads region and endpoint the way the AWS SDKs do: <c>AWS_REGION</c> (or <c>AWS_DEFAULT_REGION</c>);
    /// <c>AWS_ENDPOINT_URL_SFN</c>, else <c>AWS_ENDPOINT_URL</c>, else <c>https://states.{region}.amazonaws.com/</c>.
    /// </summary>
    public static StepFunctionsClientOptions FromEnvironment(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var region = NonEmpty(getEnvironmentVariable(RuntimeEnvironment.Region))
            ?? NonEmpty(getEnvironmentVariable(RuntimeEnvironment.DefaultRegion))
            ?? throw new ConfigurationException(
                $"{RuntimeEnvironment.Region} is not set: Step Functions needs a region (Lambda sets it; locally export AWS_REGION=eu-west-1 or similar).");
        var endpoint = NonEmpty(getEnvironmentVariable(RuntimeEnvironment.EndpointUrlStepFunctions))
            ?? NonEmpty(getEnvironmentVariable(RuntimeEnvironment.EndpointUrl))
            ?? $"https://states.{region}.amazonaws.com/";
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new ConfigurationException($"The Step Functions endpoint '{endpoint}' is not an absolute URL (check AWS_ENDPOINT_URL_SFN / AWS_ENDPOINT_URL).");
        }
        return new StepFunctionsClientOptions(region, uri);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
