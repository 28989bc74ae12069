using TransactionEtl.Core;

namespace TransactionEtl.Aws.Migrate;

/// <summary>
/// The migrate event is neither <c>{}</c> nor <c>{"mode":"migrate"}</c>. Never transient. Surfaces as
/// <c>TransactionEtl.InvalidMigrateRequestError</c>.
/// </summary>
internal sealed class InvalidMigrateRequestException : TransactionEtlException
{
    public InvalidMigrateRequestException(string message) : base(message) { }

    public InvalidMigrateRequestException(string message, Exception? innerException) : base(message, innerException) { }

    public InvalidMigrateRequestException() { }
}
