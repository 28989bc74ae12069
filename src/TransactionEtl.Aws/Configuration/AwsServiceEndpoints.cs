using System.Net;
using TransactionEtl.Aws.Configuration.Internal;

namespace TransactionEtl.Aws.Configuration;

/// <summary>
/// Service endpoints following the AWS SDK convention: <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> wins over
/// <c>AWS_ENDPOINT_URL</c>; neither set means the real regional AWS endpoint (null here).
/// </summary>
internal sealed class AwsServiceEndpoints
{
    private AwsServiceEndpoints(Uri? s3, Uri? secretsManager, Uri? stepFunctions, string? region)
    {
        S3 = s3;
        SecretsManager = secretsManager;
        StepFunctions = stepFunctions;
        Region = region;
    }

    /// <summary>No override and no region: the real regional AWS endpoints, region chosen by the SDK.</summary>
    internal static AwsServiceEndpoints Aws { get; } = new(null, null, null, null);

    /// <summary>S3 endpoint override, or null for AWS.</summary>
    public Uri? S3 { get; }

    /// <summary>Secrets Manager endpoint override, or null for AWS.</summary>
    public Uri? SecretsManager { get; }

    /// <summary>Step Functions endpoint override, or null for AWS.</summary>
    public Uri? StepFunctions { get; }

    /// <summary>The region from <c>AWS_REGION</c> (else <c>AWS_DEFAULT_REGION</c>), or null to let the SDK decide.</summary>
    public string? Region { get; }

    /// <summary>Reads and validates the endpoint variables.</summary>
    /// <param name="lookup">Environment lookup; defaults to the process environment.</param>
    public static AwsServiceEndpoints FromEnvironment(Func<string, string?>? lookup = null)
    {
        var reader = new SettingsReader(lookup ?? Environment.GetEnvironmentVariable);
        var endpoints = Read(reader);
        reader.ThrowIfInvalid("AWS endpoint");
        return endpoints;
    }

    /// <summary>
    /// Reads the endpoint variables into <paramref name="reader"/>, so that a function's options report
    /// endpoint problems together with their own.
    /// </summary>
    internal static AwsServiceEndpoints Read(SettingsReader reader)
    {
        var shared = reader.AbsoluteUri(EnvironmentVariables.EndpointUrl);
        var s3 = reader.AbsoluteUri(EnvironmentVariables.EndpointUrlS3) ?? shared;
        var secretsManager = reader.AbsoluteUri(EnvironmentVariables.EndpointUrlSecretsManager) ?? shared;
        var sfn = reader.AbsoluteUri(EnvironmentVariables.EndpointUrlSfn) ?? shared;
        var region = reader.Optional(EnvironmentVariables.Region) ?? reader.Optional(EnvironmentVariables.DefaultRegion);
        return new AwsServiceEndpoints(s3, secretsManager, sfn, region);
    }

    /// <summary>
    /// True for 127.0.0.0/8, ::1 and localhost: test servers there cannot serve virtual-hosted bucket names,
    /// so S3 clients use path-style addressing.
    /// </summary>
    public static bool IsLoopback(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
