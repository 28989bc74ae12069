using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.RunEtl.Internal;
using TransactionEtl.Aws.S3;
using TransactionEtl.Aws.Secrets;

namespace TransactionEtl.Aws.RunEtl;

/// <summary>Builds the run-etl function from its configuration (once per container).</summary>
internal static class RunEtlFunction
{
    /// <summary>
    /// Reads <c>TXETL_DB_SECRET_ID</c>, TLS and timeout settings and the S3/Secrets Manager endpoints (SDK conventions).
    /// Secrets are read on the first event and cached for the container; a 28P01 re-reads them once.
    /// </summary>
    public static ValueTask<LambdaHandler> CreateAsync(LambdaFunctionServices services, CancellationToken cancellationToken) =>
        ValueTask.FromResult<LambdaHandler>(Create(services, null).HandleAsync);

    /// <summary>The handler itself; tests pass explicit AWS credentials instead of the process-wide default chain.</summary>
    internal static RunEtlHandler Create(LambdaFunctionServices services, AWSCredentials? credentials)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = RunEtlOptions.FromEnvironment(services.GetEnvironmentVariable);
        var logger = services.LoggerFactory.CreateLogger("TransactionEtl.RunEtl");
        var secrets = SecretReader.Create(options.Endpoints, credentials, services.TimeProvider, logger);
        var s3 = S3ClientFactory.Create(options.Endpoints, credentials);
        var metrics = new EmbeddedMetricsWriter(services.MetricsOutput, options.FunctionName, services.TimeProvider);
        return new RunEtlHandler(options, secrets, new S3ObjectSource(s3, logger), new S3ContractStore(s3, logger), new S3ReportWriter(s3, logger), metrics, services.TimeProvider, logger);
    }
}
