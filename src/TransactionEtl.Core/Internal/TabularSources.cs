namespace TransactionEtl.Core.Internal;

/// <summary>
/// The seam between the engine and the spreadsheet/Parquet readers: FileRun calls <see cref="Opener"/>, which is
/// null unless <see cref="TabularReaders.Enable"/> ran, so code that never enables it never references the readers.
/// </summary>
internal static class TabularSources
{
    public static Func<TabularFormat, Stream, DialectSpec, CancellationToken, Task<IRecordSource>>? Opener { get; set; }

    public static async Task<IRecordSource> OpenAsync(TabularFormat format, Stream input, DialectSpec dialect, CancellationToken cancellationToken) =>
        format == TabularFormat.Parquet
            ? await ParquetRecordSource.OpenAsync(input, cancellationToken)
            : ExcelRecordSource.Open(input, format, dialect);
}
