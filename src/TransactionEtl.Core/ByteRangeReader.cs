namespace TransactionEtl.Core;

/// <summary>
/// Opens the bytes <c>[offset, offset + length)</c> of one file or object: a seek on a local file, a ranged GET on
/// S3. The chunk planner and the chunk engine read only through this, so they never need the whole file at hand.
/// </summary>
/// <param name="offset">The first byte, from the file's start.</param>
/// <param name="length">How many bytes (the stream may end early only at the file's end).</param>
/// <param name="cancellationToken">Cancels the open.</param>
/// <returns>A stream the caller disposes.</returns>
public delegate Task<Stream> ByteRangeReader(long offset, long length, CancellationToken cancellationToken);
