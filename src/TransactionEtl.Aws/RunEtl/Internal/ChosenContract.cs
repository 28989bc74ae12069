using TransactionEtl.Core;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>
/// The contract a file was loaded with and where it came from, for the summary: the reference of the mapping (an
/// object key, or <see cref="ContractMap.BuiltIn"/>) and, for an object, the version and ETag that were read.
/// </summary>
internal sealed record ChosenContract(Contract Contract, string Reference, string? VersionId = null, string? ETag = null)
{
    /// <summary>The shipped contract, read from the assembly.</summary>
    public static ChosenContract BuiltIn { get; } = new(Contract.Default, ContractMap.BuiltIn);
}
