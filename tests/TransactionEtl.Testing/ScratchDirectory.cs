namespace TransactionEtl.Testing;

/// <summary>
/// A not-yet-created path under the temp directory, removed on dispose. Left uncreated so that
/// <c>LocalPostgres</c> creates it with a mode the 'postgres' user can traverse (CreateTempSubdirectory is 0700).
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string prefix = "txetl-scratch-") =>
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A server still shutting down may hold a file for a moment; the temp dir is cleaned eventually.
        }
    }
}
