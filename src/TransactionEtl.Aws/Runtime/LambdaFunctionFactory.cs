namespace TransactionEtl.Aws.Runtime;

/// <summary>
/// Builds one function's handler once per container (reads configuration, creates clients); it runs in
/// Lambda's init phase, so a failure here is reported through <c>init/error</c>.
/// </summary>
public delegate ValueTask<LambdaHandler> LambdaFunctionFactory(LambdaFunctionServices services, CancellationToken cancellationToken);
