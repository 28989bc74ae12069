using Xunit;

namespace TransactionEtl.Testing;

/// <summary>A fact that needs root (to act as another OS user); skipped with that reason otherwise.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: it checks the code path that hands the cluster to the 'postgres' OS user";
        }
    }
}
