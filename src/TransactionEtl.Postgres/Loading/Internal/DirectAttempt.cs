using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>What <see cref="DirectCopyPath.TryAsync"/> ended with: one of two states, each with only what it has.</summary>
internal abstract record DirectAttempt
{
    private DirectAttempt()
    {
    }

    /// <summary>
    /// The COPY went through: valid rows are in the target (or undone to the savepoint when the file is rejected as a
    /// whole) and rejected rows in <c>rejected_rows</c>. <paramref name="Keys"/> counts the ids that repeated within the
    /// file (none can be stored already: the COPY would have failed).
    /// </summary>
    public sealed record Loaded(FileResult Result, KeyCounts Keys) : DirectAttempt;

    /// <summary>
    /// The COPY was undone to its savepoint; the staging path must read the source again. <paramref name="FirstSha256"/>
    /// is the first read's hash, null when the COPY failed before the whole file was read.
    /// </summary>
    public sealed record FellBack(string Reason, string? FirstSha256) : DirectAttempt;
}
