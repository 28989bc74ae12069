namespace TransactionEtl.Core;

/// <summary>
/// The root of the project's small exception hierarchy. Messages say where (file, line, column, value)
/// and what to do. <see cref="IsTransient"/> marks failures that a retry may cure, so that retry policies
/// (Polly, Step Functions <c>Retry</c>) match only those.
/// </summary>
public class TransactionEtlException : Exception
{
    public TransactionEtlException(string message) : base(message) { }

    public TransactionEtlException(string message, Exception? innerException) : base(message, innerException) { }

    public TransactionEtlException() { }

    /// <summary>
    /// The ledger row of the file whose load failed, when the loader had written one (its status says <c>failed</c>):
    /// a failed summary names it as its <c>file_id</c>. Null for every other failure.
    /// </summary>
    public long? FileId { get; set; }

    /// <summary>True when retrying the same operation later may succeed.</summary>
    public virtual bool IsTransient => false;
}
