using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using TransactionEtl.Aws.Configuration;

namespace TransactionEtl.Aws.S3;

/// <summary>Creates the S3 client, honouring <c>AWS_ENDPOINT_URL_S3</c>/<c>AWS_ENDPOINT_URL</c>.</summary>
internal static class S3ClientFactory
{
    /// <summary>Creates a client for the configured endpoint.</summary>
    /// <param name="endpoints">Endpoint overrides and region.</param>
    /// <param name="credentials">Explicit credentials (tests); null uses AWSSDK.Core's default chain.</param>
    public static IAmazonS3 Create(AwsServiceEndpoints endpoints, AWSCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var config = new AmazonS3Config();
        if (endpoints.S3 is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = endpoints.Region ?? "us-east-1";
            // A loopback server cannot resolve <bucket>.127.0.0.1, so buckets go in the path.
            config.ForcePathStyle = AwsServiceEndpoints.IsLoopback(endpoint);
            // SDK 4 adds CRC trailers (aws-chunked bodies) by default; S3-compatible servers such as
            // s3rver do not understand them. Checksums are then sent only where S3 requires them.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        else if (endpoints.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }
}
