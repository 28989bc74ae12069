using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>How a file's rows reached the database (logged with the load's end; docs/performance.md has why there are two paths).</summary>
internal enum LoadPath
{
    /// <summary>One COPY straight into the target; duplicates and the threshold were already settled.</summary>
    Direct,

    /// <summary>Into the staging table at once: the source cannot be read a second time.</summary>
    Staging,

    /// <summary>Into the staging table on the second read, after the direct COPY met a repeated or stored key.</summary>
    StagingFallback,
}

/// <summary>The log's names of <see cref="LoadPath"/>, unchanged from before the enum.</summary>
internal static class LoadPathNames
{
    public const string Direct = "direct";

    public const string Staging = "staging";

    public const string StagingFallback = "staging-fallback";

    public static string Name(this LoadPath path) => path switch
    {
        LoadPath.Direct => Direct,
        LoadPath.Staging => Staging,
        _ => StagingFallback,
    };
}

/// <summary>
/// A file read into the database by one path, not yet committed. On the staging paths the rows still sit in the
/// staging table: the keys are resolved (<see cref="StagingPath.ResolveAsync"/>) only once the content is known not
/// to be loaded already. <paramref name="DirectKeys"/> is what the direct path found about keys (in-file duplicates).
/// </summary>
internal sealed record ReadFile(LoadPath Path, FileResult Result, KeyCounts DirectKeys = default)
{
    public bool IsStaged => Path != LoadPath.Direct;

    public string PathName { get; } = Path.Name();
}

/// <summary>
/// What only the database can tell about a file's keys: repeats within the file, keys stored before with identical
/// content, rows whose unique column value another file stored (<c>unique-error</c>), and keys stored before with other
/// content (<see cref="KeyConflicts"/>, by what the contract's onExistingKey made of them).
/// </summary>
internal readonly record struct KeyCounts(long InFileDuplicates, long DuplicateExisting, long StoredUnique = 0, KeyConflicts Conflicts = default)
{
    /// <summary>No repeated or stored keys, and no unique value stored before.</summary>
    public static KeyCounts None => default;
}
