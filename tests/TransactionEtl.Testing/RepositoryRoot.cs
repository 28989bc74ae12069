namespace TransactionEtl.Testing;

/// <summary>Finds the repository checkout the tests run from (tools/node, samples/, docs/).</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The directory holding TransactionEtl.slnx.</summary>
    public static string Path => Root.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TransactionEtl.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No TransactionEtl.slnx above {AppContext.BaseDirectory}; run the tests from the repository.");
    }
}
