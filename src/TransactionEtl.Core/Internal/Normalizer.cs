using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>Applies normalization steps in contract order. Every step is idempotent, and so is their sequence.</summary>
internal static class Normalizer
{
    public static readonly IReadOnlyDictionary<string, NormalizationStep> StepNames = new Dictionary<string, NormalizationStep>(StringComparer.Ordinal)
    {
        ["trim"] = NormalizationStep.Trim,
        ["collapse-whitespace"] = NormalizationStep.CollapseWhitespace,
        ["nfc"] = NormalizationStep.Nfc,
        ["upper"] = NormalizationStep.Upper,
        ["lower"] = NormalizationStep.Lower,
    };

    public static string Apply(string value, NormalizationStep[] steps)
    {
        foreach (var step in steps)
        {
            value = step switch
            {
                NormalizationStep.Trim => value.Trim(),
                NormalizationStep.CollapseWhitespace => CollapseWhitespace(value),
                NormalizationStep.Nfc => Nfc.Normalize(value),
                NormalizationStep.Upper => value.ToUpperInvariant(),
                NormalizationStep.Lower => value.ToLowerInvariant(),
                _ => value,
            };
        }
        return value;
    }

    /// <summary>Every run of white space (any Unicode white space, line breaks included) becomes one space.</summary>
    public static string CollapseWhitespace(string value)
    {
        int i = 0;
        // Fast path: nothing to do unless there is a non-space white space or two in a row.
        for (; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsWhiteSpace(c) && (c != ' ' || (i + 1 < value.Length && char.IsWhiteSpace(value[i + 1]))))
            {
                break;
            }
        }
        if (i == value.Length)
        {
            return value;
        }
        var sb = new StringBuilder(value.Length);
        sb.Append(value, 0, i);
        bool inSpace = false;
        for (; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsWhiteSpace(c))
            {
                if (!inSpace)
                {
                    sb.Append(' ');
                    inSpace = true;
                }
            }
            else
            {
                sb.Append(c);
                inSpace = false;
            }
        }
        return sb.ToString();
    }
}
