namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>Tests that measure process-wide allocation run alone, not alongside other test classes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    public const string Name = "hostile-serial";
}
