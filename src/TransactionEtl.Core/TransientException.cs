namespace TransactionEtl.Core;

/// <summary>
/// A failure that a retry may cure: a lost or refused database connection, a serialization failure or
/// deadlock, a server that is starting or shutting down, a network error. Retry policies match this type
/// (the Lambda reports it as <c>TransactionEtl.TransientError</c>).
/// </summary>
public class TransientException : TransactionEtlException
{
    public TransientException(string message) : base(message) { }

    public TransientException(string message, Exception? innerException) : base(message, innerException) { }

    public TransientException() { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
