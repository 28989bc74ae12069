namespace TransactionEtl.Core;

/// <summary>
/// A sink that also takes rejects found only after the last record. validate's in-file duplicate check keeps its keys
/// in memory up to a budget; past it, the keys go to a temp file and a repeat among them is known only at the end.
/// The engine spills only to a sink that implements this (and when the contract has no unique field); with any other
/// sink the key set keeps growing in memory.
/// </summary>
public interface ILateRejectSink
{
    /// <summary>
    /// The row on <paramref name="line"/> repeats the primary key of an earlier accepted row. When the row was accepted,
    /// <paramref name="acceptedRaw"/> is its raw record and it is now rejected with just <paramref name="reason"/>; when
    /// it was rejected (null), <paramref name="reason"/> is its last reason, after those it was rejected with. The calls
    /// come in no particular order; the engine's counts already include them.
    /// </summary>
    void LateReject(long line, string? acceptedRaw, CellError reason);
}
