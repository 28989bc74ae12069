using TransactionEtl.Aws.Runtime;

namespace TransactionEtl.Aws.Tests.Runtime;

public sealed class LambdaFunctionsTests
{
    /// <summary>DescribeMissing only ever meets unknown names because every known name has a factory.</summary>
    [Fact]
    public void Every_known_function_has_a_factory_and_any_other_name_is_unknown()
    {
        Assert.All(LambdaFunctions.Names, name => Assert.True(LambdaFunctions.TryGetFactory(name, out _), name));

        Assert.False(LambdaFunctions.TryGetFactory("load-everything", out _));
        Assert.Equal("Unknown function 'load-everything': expected one of start-workflow, run-etl, notify-chat, migrate.",
            LambdaFunctions.DescribeMissing("load-everything"));
    }
}
