using TransactionEtl.Core;

namespace TransactionEtl.Aws.Secrets;

/// <summary>
/// A secret could not be read or has the wrong shape. Transient when Secrets Manager throttled, failed on its side
/// or the network broke (a retry may succeed); otherwise the secret id, its content or IAM must be fixed.
/// The message names the secret id, never its value.
/// </summary>
internal sealed class SecretReadException : TransactionEtlException
{
    private readonly bool _isTransient;

    public SecretReadException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException) => _isTransient = isTransient;

    public SecretReadException(string message) : base(message) { }

    public SecretReadException(string message, Exception? innerException) : base(message, innerException) { }

    public SecretReadException() { }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
