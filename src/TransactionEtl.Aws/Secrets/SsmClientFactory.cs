using Amazon;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using TransactionEtl.Aws.Configuration;

namespace TransactionEtl.Aws.Secrets;

/// <summary>Creates the SSM client, honouring <c>AWS_ENDPOINT_URL_SSM</c>/<c>AWS_ENDPOINT_URL</c>.</summary>
internal static class SsmClientFactory
{
    /// <summary>Creates a client for the configured endpoint.</summary>
    /// <param name="endpoints">Endpoint overrides and region.</param>
    /// <param name="credentials">Explicit credentials (tests); null uses AWSSDK.Core's default chain.</param>
    public static IAmazonSimpleSystemsManagement Create(AwsServiceEndpoints endpoints, AWSCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var config = new AmazonSimpleSystemsManagementConfig();
        if (endpoints.Ssm is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = endpoints.Region ?? "us-east-1";
        }
        else if (endpoints.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        return credentials is null
            ? new AmazonSimpleSystemsManagementClient(config)
            : new AmazonSimpleSystemsManagementClient(credentials, config);
    }
}
