namespace TransactionEtl.Core;

/// <summary>
/// Where the engine sends each record's outcome, in file order, as it streams. The loader's sink writes to
/// binary COPY; the validate command's sink counts and keeps the first few rejects.
/// </summary>
public interface IRowSink
{
    /// <summary>A valid row. The instance is reused: consume it before returning.</summary>
    ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken);

    /// <summary>A rejected row with every reason.</summary>
    ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken);
}
