namespace TransactionEtl.Core.Internal;

/// <summary>A workbook or Parquet file that cannot be read as records: a missing sheet, a nested column, a corrupt file.</summary>
internal sealed class TabularFormatException(string message, Exception? inner = null) : Exception(message, inner);
