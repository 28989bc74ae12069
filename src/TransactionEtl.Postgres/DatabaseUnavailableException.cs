using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres;

/// <summary>
/// The database could not be reached. Transient when Npgsql says a retry may succeed (network, server
/// starting up), not for wrong credentials or an unknown database.
/// </summary>
public sealed class DatabaseUnavailableException : TransactionEtlException
{
    private readonly bool _isTransient;

    /// <summary>Wraps the Npgsql failure; transience comes from <see cref="NpgsqlException.IsTransient"/>.</summary>
    public DatabaseUnavailableException(string message, NpgsqlException innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(innerException);
        _isTransient = innerException.IsTransient;
    }

    public DatabaseUnavailableException(string message) : base(message) { }

    public DatabaseUnavailableException(string message, Exception? innerException) : base(message, innerException) { }

    public DatabaseUnavailableException() { }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
