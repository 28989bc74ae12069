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
}
