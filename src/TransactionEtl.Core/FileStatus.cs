namespace TransactionEtl.Core;

/// <summary>The values of <see cref="FileSummary.Status"/>, as the spec names them.</summary>
public static class FileStatus
{
    /// <summary>Every row loaded (duplicates of earlier files aside).</summary>
    public const string Loaded = "loaded";

    /// <summary>Valid rows loaded; some rows rejected, within the reject threshold.</summary>
    public const string LoadedWithRejects = "loaded_with_rejects";

    /// <summary>Nothing loaded: a file-level error or too many rejected rows.</summary>
    public const string Rejected = "rejected";

    /// <summary>The same file (by SHA-256) was loaded before; nothing done.</summary>
    public const string AlreadyLoaded = "already_loaded";

    /// <summary>An infrastructure failure (database, storage); the file may be retried.</summary>
    public const string Failed = "failed";
}
