namespace TransactionEtl.Testing;

/// <summary>Thrown by <see cref="SecretScanner.AssertClean"/> when captured output holds a registered secret; fails the test.</summary>
public sealed class SecretLeakException : Exception
{
    public SecretLeakException() { }

    public SecretLeakException(string message) : base(message) { }

    public SecretLeakException(string message, Exception innerException) : base(message, innerException) { }
}
