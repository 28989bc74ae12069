namespace TransactionEtl.Core;

/// <summary>
/// What the loader does with a row whose key an earlier file stored with other content (a conflict), as the contract's
/// <c>x-txetl.onExistingKey</c> says. A stored key with identical content is always <c>duplicate-existing</c>.
/// </summary>
public enum OnExistingKey
{
    /// <summary>The default: the row is rejected (<c>key-conflict</c>) and counts against the reject threshold.</summary>
    Reject,

    /// <summary>The row replaces the stored row; the replaced version goes to the target's <c>_history</c> table.</summary>
    Update,

    /// <summary>The row is not loaded and the stored row is kept; recorded (<c>key-conflict-skipped</c>) but not a reject.</summary>
    Skip,
}
