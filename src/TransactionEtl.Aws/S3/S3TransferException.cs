using TransactionEtl.Core;

namespace TransactionEtl.Aws.S3;

/// <summary>
/// Reading the file or writing a report failed. Transient for S3 5xx, SlowDown and broken connections,
/// so that the state machine's retry on the transient error type covers them; permanent for missing
/// objects, denied access and objects that changed since the event.
/// </summary>
internal sealed class S3TransferException : TransactionEtlException
{
    private readonly bool _isTransient;

    public S3TransferException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException) => _isTransient = isTransient;

    public S3TransferException(string message) : base(message) { }

    public S3TransferException(string message, Exception? innerException) : base(message, innerException) { }

    public S3TransferException() { }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
