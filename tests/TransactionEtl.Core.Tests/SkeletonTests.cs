using TransactionEtl.Core;

namespace TransactionEtl.Core.Tests;

public class SkeletonTests
{
    [Fact]
    public void Exceptions_are_not_transient_unless_marked()
    {
        Assert.False(new TransactionEtlException("x").IsTransient);
    }
}
