namespace TransactionEtl.Core;

/// <summary>
/// A sink that looks each valid row's key up itself (the loader's in-file duplicate check) and wants the key early:
/// the engine gives it the row's one key cell as read, before the row is validated, so that the sink can start the
/// lookup's memory reads while validation runs (at 1M ids the set's table misses the cache on nearly every row).
/// </summary>
public interface IKeyHintSink
{
    /// <summary>
    /// The text the next row's key will probably have. A hint only: the key that counts is the one on the row handed to
    /// <see cref="IRowSink.AcceptAsync"/>, and the row may be rejected or its key differ.
    /// </summary>
    void HintKey(ReadOnlySpan<char> key);
}
