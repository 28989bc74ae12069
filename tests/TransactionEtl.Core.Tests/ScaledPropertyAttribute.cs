using FsCheck.Xunit;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// An FsCheck property whose case count is the given one times <c>$TXETL_PROPERTY_SCALE</c> (a positive integer;
/// default 1), so that a one-off run can try many more cases (issue 19: once at 10x) without editing the tests.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ScaledPropertyAttribute : PropertyAttribute
{
    /// <summary>The environment variable holding the factor.</summary>
    public const string ScaleVariable = "TXETL_PROPERTY_SCALE";

    public ScaledPropertyAttribute(int cases) => MaxTest = checked(cases * Scale);

    /// <summary>The factor read from <see cref="ScaleVariable"/>: 1 when unset or not a positive integer.</summary>
    public static int Scale =>
        int.TryParse(Environment.GetEnvironmentVariable(ScaleVariable), out int scale) && scale > 0 ? scale : 1;
}
