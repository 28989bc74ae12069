namespace TransactionEtl.Aws.Tests;

/// <summary>
/// Test classes that measure process-wide GC counters run in this collection, which xunit runs with no other
/// test at the same time. Its own class, not an attribute on a test class: a test class that was also its
/// collection's definition never had its class fixtures disposed (each run left its s3rver data directory in
/// /tmp).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    /// <summary>The collection's name for <c>[Collection]</c>.</summary>
    public const string Name = "runs alone";
}
