using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>The compiled Table Dialect: how to split the bytes into records and fields.</summary>
internal sealed class DialectSpec
{
    public char Delimiter { get; init; } = ',';
    public char Quote { get; init; } = '"';
    public bool Header { get; init; } = true;
    public string EncodingName { get; init; } = "utf-8";

    /// <summary>Null for UTF-8, which the engine validates byte by byte itself.</summary>
    public Encoding? Encoding { get; init; }

    /// <summary>The workbook sheet to read (.xlsx/.xls): its name, or null for <see cref="SheetIndex"/>.</summary>
    public string? SheetName { get; init; }

    /// <summary>The 0-based sheet index when no <see cref="SheetName"/> is given; 0 (the first sheet) by default.</summary>
    public int SheetIndex { get; init; }

    /// <summary>The 1-based sheet row holding the header (.xlsx/.xls); rows above it are not read.</summary>
    public int HeaderRow { get; init; } = 1;
}
