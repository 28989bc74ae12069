using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A field's <c>pattern</c> constraint, matched against the whole cell. Most contract patterns are one bracket
/// class with a quantifier (<c>[A-Za-z0-9._:-]{1,64}</c>, <c>[^\p{Cc}\p{Cf}]*</c>); those are checked without
/// running the regex per cell: a length range plus one lookup per UTF-16 unit. Which units the class accepts is
/// asked of the regex engine itself, once per distinct unit, so the two cannot disagree on what the class means.
/// Any other pattern runs on the regex (non-backtracking, so linear in the cell's length).
/// </summary>
/// <remarks>
/// Why: four patterns per row made the regex engine about 12 % of the engine's CPU time, mostly per-call set-up
/// for short cells (docs/performance.md). .NET regexes match UTF-16 units, so a class matches one unit and
/// <c>\A(?:[class]{m,n})\z</c> is exactly "length in [m, n] and every unit in the class".
/// </remarks>
internal sealed class PatternMatcher
{
    private const byte Unknown = 0;
    private const byte Accepted = 1;
    private const byte Refused = 2;

    private static readonly Regex Quantifier = new(@"(?:\*|\+|\?|\{([0-9]+)(?:(,)([0-9]*))?\})\z", RegexOptions.CultureInvariant);

    private readonly Regex _regex;
    private readonly Regex? _unit;
    private readonly int _minLength;
    private readonly int _maxLength;
    private readonly byte[]? _units;

    // The ASCII units the class accepts, asked of the regex once at creation: most cells are ASCII, and a vectorized
    // search for the first unit outside this set checks them several units at a time (issue 19).
    private readonly SearchValues<char>? _asciiAccepted;

    private PatternMatcher(Regex regex, Regex? unit, int minLength, int maxLength)
    {
        _regex = regex;
        _unit = unit;
        _minLength = minLength;
        _maxLength = maxLength;
        _units = unit is null ? null : new byte[char.MaxValue + 1];
        if (unit is not null)
        {
            var accepted = new List<char>();
            for (char c = '\0'; c < 128; c++)
            {
                if (Known(c) == Accepted)
                {
                    accepted.Add(c);
                }
            }
            _asciiAccepted = SearchValues.Create(accepted.ToArray());
        }
    }

    /// <summary>True when cells are checked by the class lookup rather than by the regex.</summary>
    public bool IsSingleClass => _unit is not null;

    /// <summary>Compiles <paramref name="pattern"/> (as written in the contract); throws as <see cref="Regex"/> does for an invalid one.</summary>
    public static PatternMatcher Create(string pattern)
    {
        // \A...\z, not ^...$: '$' also matches before a final '\n', which let "AB\n" pass [A-Z]+.
        var regex = new Regex($"\\A(?:{pattern})\\z", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        if (!TrySplit(pattern, out var characterClass, out int min, out int max))
        {
            return new PatternMatcher(regex, null, 0, 0);
        }

        // The unit regex answers for one UTF-16 unit at a time, so the backtracking interpreter is linear here too,
        // and it is built several times cheaper than a non-backtracking one (whose symbolic set-up was ~5 % of a small
        // run's CPU, session 13); both engines read a class the same way. The pattern itself is still compiled above.
        var unit = new Regex($"\\A{characterClass}\\z", RegexOptions.CultureInvariant);
        return new PatternMatcher(regex, unit, min, max);
    }

    /// <summary>Whether the whole of <paramref name="value"/> matches the pattern.</summary>
    public bool IsMatch(ReadOnlySpan<char> value)
    {
        if (_units is null)
        {
            return _regex.IsMatch(value);
        }

        if (value.Length < _minLength || value.Length > _maxLength)
        {
            return false;
        }

        int first = value.IndexOfAnyExcept(_asciiAccepted!);
        if (first < 0)
        {
            return true;
        }

        foreach (char c in value[first..])
        {
            if (Known(c) == Refused)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the class accepts the unit <paramref name="c"/>, asked of the regex the first time.</summary>
    private byte Known(char c)
    {
        byte known = _units![c];
        if (known == Unknown)
        {
            // Benign race: every thread computes the same answer for a unit.
            known = _unit!.IsMatch(new ReadOnlySpan<char>(in c)) ? Accepted : Refused;
            _units[c] = known;
        }

        return known;
    }

    /// <summary>
    /// Splits "[class]quantifier" (or a lone "[class]"). Conservative: any '[' inside the class (subtraction), an
    /// unescaped ']' before the end, a lazy quantifier or a bound that does not fit an int gives false, and the
    /// pattern then runs on the regex.
    /// </summary>
    internal static bool TrySplit(string pattern, out string characterClass, out int min, out int max)
    {
        characterClass = "";
        min = 1;
        max = 1;
        var quantifier = Quantifier.Match(pattern);
        string head = quantifier.Success ? pattern[..quantifier.Index] : pattern;
        if (!IsOneBracketClass(head))
        {
            return false;
        }

        if (quantifier.Success)
        {
            switch (quantifier.Value[0])
            {
                case '*': (min, max) = (0, int.MaxValue); break;
                case '+': (min, max) = (1, int.MaxValue); break;
                case '?': (min, max) = (0, 1); break;
                default:
                    if (!int.TryParse(quantifier.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out min))
                    {
                        return false;
                    }

                    if (!quantifier.Groups[2].Success)
                    {
                        max = min;
                    }
                    else if (quantifier.Groups[3].Length == 0)
                    {
                        max = int.MaxValue;
                    }
                    else if (!int.TryParse(quantifier.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out max))
                    {
                        return false;
                    }

                    break;
            }
        }

        characterClass = head;
        return true;
    }

    private static bool IsOneBracketClass(string text)
    {
        if (text.Length < 3 || text[0] != '[' || text[^1] != ']')
        {
            return false;
        }

        int i = text.Length > 1 && text[1] == '^' ? 2 : 1;
        for (; i < text.Length - 1; i++)
        {
            switch (text[i])
            {
                case '\\': i++; break; // an escape covers the next unit (\], \\, \p, \u, ...)
                case '[' or ']': return false;
            }
        }

        // The loop ends on the closing ']' unless an escape swallowed it ("[a\]").
        return i == text.Length - 1;
    }
}
