using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.Secrets;

namespace TransactionEtl.Aws.Migrate;

/// <summary>Builds the migrate function from its configuration (once per container).</summary>
internal static class MigrateFunction
{
    /// <summary>
    /// Reads <c>TXETL_DB_SECRET_ID</c>, <c>TXETL_MIGRATION_DB_SECRET_ID</c>, the TLS settings and the Secrets
    /// Manager endpoint (SDK conventions). Credentials come from AWSSDK.Core's default chain.
    /// </summary>
    public static ValueTask<LambdaHandler> CreateAsync(LambdaFunctionServices services, CancellationToken cancellationToken) =>
        ValueTask.FromResult<LambdaHandler>(Create(services, null).HandleAsync);

    /// <summary>The handler itself; tests pass explicit AWS credentials instead of the process-wide default chain.</summary>
    internal static MigrateHandler Create(LambdaFunctionServices services, Amazon.Runtime.AWSCredentials? credentials)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = MigrateOptions.FromEnvironment(services.GetEnvironmentVariable);
        var logger = services.LoggerFactory.CreateLogger("TransactionEtl.Migrate");
        var secrets = SecretReader.Create(options.Endpoints, credentials, services.TimeProvider, logger);
        return new MigrateHandler(options, secrets, services.TimeProvider, logger);
    }
}
