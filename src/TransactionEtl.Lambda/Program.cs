// The Lambda `bootstrap` (runtime provided.al2023): one Native AOT binary for the three functions,
// dispatching on _HANDLER through LambdaFunctions.
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Runtime;

using var stop = new CancellationTokenSource();
// Lambda sends SIGTERM before shutting a container down; leave the loop instead of dying mid-request.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });

if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvironmentVariables.RuntimeApi)))
{
    await Console.Error.WriteLineAsync(
        $"{EnvironmentVariables.RuntimeApi} is not set: this bootstrap runs inside AWS Lambda (or a runtime emulator). " +
        "Use `txetl lambda invoke <function>` to run a handler locally.");
    return 2;
}

var name = Environment.GetEnvironmentVariable(EnvironmentVariables.Handler);
// The structured logger: context fields (function, execution, bucket/key, file id, trace id) and every
// secret value the secrets adapter has read masked through the process-wide SecretRedactor.
LoggingOptions logging;
try
{
    logging = LoggingOptions.FromEnvironment(name ?? "txetl");
}
catch (ConfigurationException e)
{
    // A bad TXETL_LOG_LEVEL must not keep the function from starting: say so and log at the default level.
    await Console.Error.WriteLineAsync(e.Message);
    logging = new LoggingOptions(Environment.GetEnvironmentVariable(EnvironmentVariables.FunctionName) ?? name ?? "txetl");
}
using var loggerFactory = new JsonLoggerFactory(Console.Out, logging, SecretRedactor.Process);
using var client = LambdaRuntimeClient.FromEnvironment();
var services = new LambdaFunctionServices(loggerFactory, TimeProvider.System, Environment.GetEnvironmentVariable);
LambdaFunctionFactory factory = name is not null && LambdaFunctions.TryGetFactory(name, out var found)
    ? found
    : (_, _) => throw new ConfigurationException(LambdaFunctions.DescribeMissing(name) + $" Set the function's handler ({EnvironmentVariables.Handler}).");
return await LambdaRuntimeHost.RunAsync(client, factory, services, stop.Token);
