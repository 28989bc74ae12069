namespace TransactionEtl.Aws.StepFunctions;

/// <summary>
/// Where and how the StartExecution client calls Step Functions; validated when created. Region and endpoint
/// come from <see cref="Configuration.StartWorkflowOptions"/>, the one reader of the environment.
/// </summary>
internal sealed class StepFunctionsClientOptions
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
}
