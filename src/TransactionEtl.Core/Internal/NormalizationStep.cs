namespace TransactionEtl.Core.Internal;

/// <summary>A text normalization applied to a cell before it is checked (contract <c>x-txetl.normalize</c>).</summary>
internal enum NormalizationStep
{
    Trim,
    CollapseWhitespace,
    Nfc,
    Upper,
    Lower,
}
