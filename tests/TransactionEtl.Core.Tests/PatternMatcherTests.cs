using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// The single-class shortcut of <see cref="PatternMatcher"/> must give exactly what .NET's regex gives for
/// <c>\A(?:pattern)\z</c>, the reference it replaces.
/// </summary>
public class PatternMatcherTests
{
    // The default contract's patterns first, then edge cases of the class and quantifier syntax.
    public static readonly TheoryData<string, bool> Patterns = new()
    {
        { "[A-Za-z0-9._:-]{1,64}", true },
        { @"[^\p{Cc}\p{Cf}]*", true },
        { @"[^\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]*", true },
        { "[A-Z]{2}-[A-Z0-9]{1,3}", false },
        { "[a-c]", true },
        { "[a-c]+", true },
        { "[a-c]?", true },
        { "[a-c]{2}", true },
        { "[a-c]{0,}", true },
        { "[a-c]{3,5}", true },
        { @"[\]a]{1,2}", true },
        { @"[\\x]*", true },
        { @"[\p{L}\p{Nd}]+", true },
        { @"[\d\s]{2,4}", true },
        { "[^a]*", true },
        { "[a-z-[aeiou]]+", false },
        { "[]a]+", false },
        { "[a-c]+?", false },
        { "[a-c]{2}?", false },
        { "[a-c]{,2}", false },
        { "[ab]|[cd]", false },
        { "[ab][cd]", false },
        { "(?:[ab])+", false },
        { @"\d+", false },
        { "a+", false },
        { "[a-c]{2,1000}", true },
    };

    // Cells drawn from units that the patterns above treat differently: ASCII letters and digits, punctuation,
    // brackets and backslash, white space, control and format characters, bidi controls, letters of other
    // scripts, and both halves of a surrogate pair (as a pair and alone).
    private static readonly char[] Units =
    [
        'a', 'b', 'c', 'e', 'z', 'A', 'Q', 'Z', '0', '5', '9', '.', '_', ':', '-', ' ', '\t', '\n', '\r', ']', '[', '\\', 'x',
        '\0', '\u0007', '\u007f', '\u00a0', '\u00e9', '\u061c', '\u0660', '\u200b', '\u200e', '\u202e', '\u2067', '\ufeff',
        '\u4e2d', '\ud83d', '\ude00', '\uffff',
    ];

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Takes_the_class_lookup_exactly_for_one_bracket_class_with_a_greedy_quantifier(string pattern, bool singleClass) =>
        Assert.Equal(singleClass, PatternMatcher.Create(pattern).IsSingleClass);

    [Fact]
    public void Splits_class_and_quantifier_bounds()
    {
        Assert.True(PatternMatcher.TrySplit("[A-Za-z0-9._:-]{1,64}", out var cls, out int min, out int max));
        Assert.Equal(("[A-Za-z0-9._:-]", 1, 64), (cls, min, max));
        Assert.True(PatternMatcher.TrySplit("[x]{3}", out _, out min, out max));
        Assert.Equal((3, 3), (min, max));
        Assert.True(PatternMatcher.TrySplit("[x]{3,}", out _, out min, out max));
        Assert.Equal((3, int.MaxValue), (min, max));
        Assert.True(PatternMatcher.TrySplit("[x]*", out _, out min, out max));
        Assert.Equal((0, int.MaxValue), (min, max));
        Assert.True(PatternMatcher.TrySplit("[x]", out _, out min, out max));
        Assert.Equal((1, 1), (min, max));
    }

    [ScaledProperty(300)]
    public Property Agrees_with_the_regex_on_every_cell() =>
        Prop.ForAll(
            Gen.Elements(Patterns.Select(row => (string)row[0]).ToArray()).ToArbitrary(),
            Gen.Elements(Units).ArrayOf().Select(units => new string(units)).ToArbitrary(),
            (pattern, cell) =>
            {
                var reference = new Regex($"\\A(?:{pattern})\\z", RegexOptions.CultureInvariant);
                return PatternMatcher.Create(pattern).IsMatch(cell) == reference.IsMatch(cell);
            });

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Agrees_with_the_regex_on_every_single_unit_and_on_lengths_around_the_bounds(string pattern, bool singleClass)
    {
        _ = singleClass;
        var matcher = PatternMatcher.Create(pattern);
        var reference = new Regex($"\\A(?:{pattern})\\z", RegexOptions.CultureInvariant);
        for (int unit = char.MinValue; unit <= char.MaxValue; unit++)
        {
            string cell = ((char)unit).ToString();
            Assert.True(reference.IsMatch(cell) == matcher.IsMatch(cell), $"pattern {pattern}, unit U+{unit:X4}");
        }

        foreach (char unit in "aZ5\u00e9")
        {
            foreach (int length in new[] { 0, 1, 2, 3, 4, 5, 6, 63, 64, 65 })
            {
                string cell = new(unit, length);
                Assert.True(reference.IsMatch(cell) == matcher.IsMatch(cell), $"pattern {pattern}, {length} x U+{(int)unit:X4}");
            }
        }
    }
}
