namespace TransactionEtl.Aws.Tests.Packaging;

/// <summary>
/// A test of the zips built by scripts/package-lambda.sh. It runs when TXETL_LAMBDA_ARTIFACTS names the
/// folder holding them (scripts/test.d/20-lambda-package.sh builds them and sets it) and shows as skipped
/// otherwise: an AOT publish takes minutes, too long for every `dotnet test` of this project.
/// </summary>
public sealed class PackagedFactAttribute : FactAttribute
{
    public const string Variable = "TXETL_LAMBDA_ARTIFACTS";

    public PackagedFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"{Variable} is not set: run scripts/test.d/20-lambda-package.sh (packages, then runs these tests).";
        }
    }
}
