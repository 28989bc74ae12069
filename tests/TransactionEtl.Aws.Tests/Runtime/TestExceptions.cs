using TransactionEtl.Core;

namespace TransactionEtl.Aws.Tests.Runtime;

/// <summary>Stands for the loader's non-transient validation failure.</summary>
public sealed class ValidationException(string message) : TransactionEtlException(message);

/// <summary>Stands for a transient failure (connection reset, SQLSTATE 40001...).</summary>
public sealed class FlakyDatabaseException(string message) : TransactionEtlException(message)
{
    public override bool IsTransient => true;
}
