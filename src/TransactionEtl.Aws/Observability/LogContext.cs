namespace TransactionEtl.Aws.Observability;

/// <summary>
/// What a log line is about. Pass one to <c>ILogger.BeginScope</c>; the JSON logger writes its non-null
/// fields on every line inside the scope (inner scopes override outer ones).
/// </summary>
internal sealed record LogContext
{
    /// <summary>The Step Functions execution name (deterministic per object version).</summary>
    public string? ExecutionName { get; init; }

    /// <summary>The S3 bucket of the file.</summary>
    public string? Bucket { get; init; }

    /// <summary>The S3 key of the file.</summary>
    public string? Key { get; init; }

    /// <summary>The file id in the ledger, once known.</summary>
    public string? FileId { get; init; }
}
