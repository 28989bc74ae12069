using TransactionEtl.Core;

namespace TransactionEtl.Aws.RunEtl;

/// <summary>
/// The load stopped before the Lambda deadline (minus TXETL_TIMEOUT_MARGIN_MS): it was rolled back and the
/// ledger says <c>failed</c>. Not transient: the same file would hit the same limit, so the fix is a longer
/// function timeout or a smaller file. Surfaces as <c>TransactionEtl.RunEtlTimeoutError</c>.
/// </summary>
internal sealed class RunEtlTimeoutException : TransactionEtlException
{
    public RunEtlTimeoutException(string message) : base(message) { }

    public RunEtlTimeoutException(string message, Exception? innerException) : base(message, innerException) { }

    public RunEtlTimeoutException() { }
}
