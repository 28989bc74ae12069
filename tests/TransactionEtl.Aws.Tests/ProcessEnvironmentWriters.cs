namespace TransactionEtl.Aws.Tests;

/// <summary>
/// Test classes that set process environment variables (the AWS SDK's default credential chain reads them there;
/// the runtime loop sets <c>_X_AMZN_TRACE_ID</c> per invocation) run in this collection, which xunit runs with no
/// other test at the same time; each restores the variables when it ends (<see cref="Testing.ProcessEnvironment"/>).
/// Its own class, as <see cref="RunsAlone"/> explains.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentWriters
{
    /// <summary>The collection's name for <c>[Collection]</c>.</summary>
    public const string Name = "process environment writers";
}
