namespace TransactionEtl.Core.Tests;

/// <summary>The repository root, found by walking up from the test's base directory to TransactionEtl.slnx.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TransactionEtl.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"TransactionEtl.slnx not found above {AppContext.BaseDirectory}");
    }
}
