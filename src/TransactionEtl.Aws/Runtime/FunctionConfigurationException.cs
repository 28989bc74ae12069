using TransactionEtl.Core;

namespace TransactionEtl.Aws.Runtime;

/// <summary>A function's configuration (environment) is missing or wrong; reported at init, never retried.</summary>
public sealed class FunctionConfigurationException : TransactionEtlException
{
    /// <summary>Creates the exception; the message names the variable and what it should hold.</summary>
    public FunctionConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public FunctionConfigurationException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public FunctionConfigurationException() { }
}
