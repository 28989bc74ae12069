using TransactionEtl.Aws.Runtime;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.Tests.Runtime;

public sealed class LambdaErrorTests
{
    [Fact]
    public void Names_the_root_exception_TransactionEtl_Error()
    {
        Assert.Equal("TransactionEtl.Error", LambdaError.ErrorTypeOf(new TransactionEtlException("x")));
    }

    [Fact]
    public void Names_a_subclass_after_itself_without_the_Exception_suffix()
    {
        Assert.Equal("TransactionEtl.ValidationError", LambdaError.ErrorTypeOf(new ValidationException("x")));
    }

    [Fact]
    public void Names_every_transient_subclass_TransientError_so_one_Retry_rule_matches_them_all()
    {
        Assert.Equal(LambdaError.TransientErrorType, LambdaError.ErrorTypeOf(new FlakyDatabaseException("x")));
        Assert.Equal(LambdaError.TransientErrorType, LambdaError.FromException(new FlakyDatabaseException("x")).ErrorType);
    }

    [Fact]
    public void Keeps_the_message_of_project_exceptions()
    {
        Assert.Equal("line 4: bad", LambdaError.FromException(new ValidationException("line 4: bad")).ErrorMessage);
    }
}
