/// <summary>Thrown when the engine returns without exception but breaks an invariant, so AFL++ records a crash.</summary>
internal sealed class InvariantBrokenException : Exception
{
    public InvariantBrokenException() { }

    public InvariantBrokenException(string message) : base(message) { }

    public InvariantBrokenException(string message, Exception innerException) : base(message, innerException) { }
}
