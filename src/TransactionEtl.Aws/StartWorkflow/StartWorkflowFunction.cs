using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.StepFunctions;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>Builds the start-workflow function from its configuration (once per container).</summary>
internal static class StartWorkflowFunction
{
    // One connection pool per container; recycled so DNS changes of the endpoint are seen.
    private static readonly Lazy<HttpClient> Http = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    }));

    /// <summary>
    /// Reads <c>TXETL_STATE_MACHINE_ARN</c>, the region and endpoint (SDK conventions) and the credentials
    /// (AWSSDK.Core's default chain: in Lambda the AWS_* variables including the session token).
    /// </summary>
    public static ValueTask<LambdaHandler> CreateAsync(LambdaFunctionServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = StartWorkflowOptions.FromEnvironment(services.GetEnvironmentVariable);
        var credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials();
        var client = new StepFunctionsClient(Http.Value, options.StepFunctions, credentials, services.TimeProvider, services.LoggerFactory.CreateLogger<StepFunctionsClient>());
        var handler = new StartWorkflowHandler(client, options.StateMachineArn, services.LoggerFactory.CreateLogger<StartWorkflowHandler>());
        return ValueTask.FromResult<LambdaHandler>(handler.HandleAsync);
    }
}
