using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core;

/// <summary>
/// Turns on reading .xlsx, .xls and Parquet files (found by their first bytes) as records of the same engine.
/// Off until a host calls <see cref="Enable"/>: ExcelDataReader and Parquet.Net use reflection and
/// <c>dynamic</c> that Native AOT cannot compile safely (IL2077, IL3050 in their code), so the AOT Lambda bootstrap
/// never calls it and the trimmer leaves both libraries out; the CLI calls it when it runs on the JIT (not in its
/// Native AOT binary, for the same reason).
/// </summary>
public static class TabularReaders
{
    /// <summary>Lets the engine open workbooks and Parquet files; idempotent.</summary>
    public static void Enable() => TabularSources.Opener = TabularSources.OpenAsync;
}
