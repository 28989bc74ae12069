namespace TransactionEtl.Core.Internal;

/// <summary>The boolean spellings the spec accepts: true/false/yes/no/1/0/y/n in any case.</summary>
internal static class BooleanText
{
    public static readonly IReadOnlyList<string> TrueValues = ["true", "yes", "1", "y"];
    public static readonly IReadOnlyList<string> FalseValues = ["false", "no", "0", "n"];

    public static bool TryParse(string text, out bool value)
    {
        foreach (var t in TrueValues)
        {
            if (string.Equals(text, t, StringComparison.OrdinalIgnoreCase))
            {
                value = true;
                return true;
            }
        }
        foreach (var f in FalseValues)
        {
            if (string.Equals(text, f, StringComparison.OrdinalIgnoreCase))
            {
                value = false;
                return true;
            }
        }
        value = false;
        return false;
    }
}
