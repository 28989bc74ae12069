using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// A read-only command (<c>report</c>, <c>rejects</c>, <c>db url</c>) found no local cluster where it looked: creating
/// one there would hide a mistyped <c>$TXETL_HOME</c> behind an empty ledger. Exit <see cref="ExitCodes.NoDatabase"/>.
/// </summary>
internal sealed class NoLocalDatabaseException(string message) : TransactionEtlException(message);
