using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading;

/// <summary>
/// What <see cref="ChunkedLoader.BeginAsync"/> decided: either the file's content is loaded already
/// (<see cref="AlreadyLoaded"/>, nothing to do) or a chunked attempt was begun (<see cref="Ticket"/>). Exactly one is set.
/// </summary>
public sealed class ChunkedLoadStart
{
    /// <summary>The begun attempt; null when <see cref="AlreadyLoaded"/> is set.</summary>
    public ChunkTicket? Ticket { get; init; }

    /// <summary>The <c>already_loaded</c> summary (as <see cref="FileLoader"/> answers it); null when a ticket was issued.</summary>
    public FileSummary? AlreadyLoaded { get; init; }
}
