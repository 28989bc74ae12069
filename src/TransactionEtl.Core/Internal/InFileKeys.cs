namespace TransactionEtl.Core.Internal;

/// <summary>
/// The in-memory duplicate check of <c>validate</c>: every valid row's key and the line it was first seen on, so that a
/// later occurrence names the line that won. One owner, so that its representation can change without touching the
/// record loop.
/// </summary>
internal sealed class InFileKeys
{
    private readonly Dictionary<string, long> _firstLines = new(StringComparer.Ordinal);

    /// <summary>True, with the line of its first occurrence, when <paramref name="key"/> was added before.</summary>
    public bool TryGetFirstLine(string key, out long firstLine) => _firstLines.TryGetValue(key, out firstLine);

    /// <summary>Remembers <paramref name="key"/>, first seen on <paramref name="line"/>.</summary>
    public void Add(string key, long line) => _firstLines[key] = line;
}
