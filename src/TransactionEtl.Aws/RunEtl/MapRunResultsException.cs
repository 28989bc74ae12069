using TransactionEtl.Core;

namespace TransactionEtl.Aws.RunEtl;

/// <summary>
/// The Map Run results a backfill summary reads are not what a Distributed Map's ResultWriter writes (no manifest.json,
/// not JSON, a result file outside the Map Run's results). Never transient: the same objects read the same way again.
/// Surfaces as <c>TransactionEtl.MapRunResultsError</c>.
/// </summary>
internal sealed class MapRunResultsException : TransactionEtlException
{
    public MapRunResultsException(string message) : base(message) { }

    public MapRunResultsException(string message, Exception? innerException) : base(message, innerException) { }

    public MapRunResultsException() { }
}
