using TransactionEtl.Core;

namespace TransactionEtl.Aws.RunEtl;

/// <summary>
/// The run-etl event is not what the state machine sends (not JSON, bucket or key missing, unknown mode).
/// Never transient: retrying the same event cannot help. Surfaces as <c>TransactionEtl.InvalidRunEtlRequestError</c>.
/// </summary>
internal sealed class InvalidRunEtlRequestException : TransactionEtlException
{
    public InvalidRunEtlRequestException(string message) : base(message) { }

    public InvalidRunEtlRequestException(string message, Exception? innerException) : base(message, innerException) { }

    public InvalidRunEtlRequestException() { }
}
