using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>Unicode NFC.</summary>
internal static class Nfc
{
    public static string Normalize(string value) => value.Normalize(NormalizationForm.FormC);
}
