namespace TransactionEtl.Core.Internal;

/// <summary>The non-CSV record sources the engine reads, told apart by their first bytes (never by file name).</summary>
internal enum TabularFormat
{
    None,
    Xlsx,
    Xls,
    Parquet,
}

/// <summary>Which <see cref="TabularFormat"/> a file's first bytes announce.</summary>
internal static class TabularFormats
{
    /// <summary>
    /// Xlsx: a ZIP whose entries include <c>xl/</c> (entry names are stored uncompressed in each local header, and
    /// Excel writes the workbook's parts first, so they are in the prefix). Xls: an OLE2 compound file (D0 CF 11 E0).
    /// Parquet: <c>PAR1</c>. Anything else (a plain ZIP, gzip, text) is not a spreadsheet.
    /// </summary>
    public static TabularFormat Detect(ReadOnlySpan<byte> prefix) => prefix switch
    {
        [(byte)'P', (byte)'K', 0x03, 0x04, ..] when prefix.IndexOf("xl/"u8) >= 0 => TabularFormat.Xlsx,
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, ..] => TabularFormat.Xls,
        [(byte)'P', (byte)'A', (byte)'R', (byte)'1', ..] => TabularFormat.Parquet,
        _ => TabularFormat.None,
    };

    /// <summary>The name a user knows the format by, with its article ("an Excel workbook (.xlsx)").</summary>
    public static string Name(TabularFormat format) => format switch
    {
        TabularFormat.Xlsx => "an Excel workbook (.xlsx)",
        TabularFormat.Xls => "an Excel 97-2003 workbook (.xls)",
        TabularFormat.Parquet => "a Parquet file",
        _ => "a CSV file",
    };
}
