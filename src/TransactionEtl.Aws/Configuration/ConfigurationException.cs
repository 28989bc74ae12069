using TransactionEtl.Core;

namespace TransactionEtl.Aws.Configuration;

/// <summary>
/// A setting is missing or malformed. Raised once at start, listing every problem found, so a deployment
/// is fixed in one round rather than one variable at a time. Never transient: retrying cannot fix it.
/// </summary>
public sealed class ConfigurationException : TransactionEtlException
{
    public ConfigurationException(string message) : base(message) { }

    public ConfigurationException(string message, Exception? innerException) : base(message, innerException) { }

    public ConfigurationException() { }
}
