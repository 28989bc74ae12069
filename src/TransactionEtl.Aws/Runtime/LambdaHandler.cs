namespace TransactionEtl.Aws.Runtime;

/// <summary>
/// One Lambda function: takes the raw event bytes and returns the raw response bytes (UTF-8 JSON). Bytes in
/// and out keep serialization in the handler, where System.Text.Json source generation keeps it AOT-safe.
/// </summary>
/// <param name="input">The event body exactly as the Runtime API delivered it.</param>
/// <param name="context">Request id, deadline, trace id.</param>
/// <param name="cancellationToken">Cancelled shortly before the deadline.</param>
public delegate Task<byte[]> LambdaHandler(ReadOnlyMemory<byte> input, LambdaContext context, CancellationToken cancellationToken);
