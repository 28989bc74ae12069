using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>Each normalization step on its own, the contract names of the steps, their order, and whitespace runs at every position.</summary>
public class NormalizerStepTests
{
    [Theory]
    [InlineData("trim", nameof(NormalizationStep.Trim))]
    [InlineData("collapse-whitespace", nameof(NormalizationStep.CollapseWhitespace))]
    [InlineData("nfc", nameof(NormalizationStep.Nfc))]
    [InlineData("upper", nameof(NormalizationStep.Upper))]
    [InlineData("lower", nameof(NormalizationStep.Lower))]
    public void Contract_names_map_to_their_step(string name, string step) =>
        Assert.Equal(Enum.Parse<NormalizationStep>(step), Normalizer.StepNames[name]);

    [Fact]
    public void Only_the_five_documented_names_are_steps()
    {
        Assert.Equal(5, Normalizer.StepNames.Count);
        Assert.False(Normalizer.StepNames.ContainsKey("Trim"));
    }

    [Theory]
    [InlineData(nameof(NormalizationStep.Trim), " \t a  b \r\n", "a  b")]
    [InlineData(nameof(NormalizationStep.CollapseWhitespace), " \t a  b \r\n", " a b ")]
    [InlineData(nameof(NormalizationStep.Nfc), "Cafe\u0301", "Caf\u00e9")]
    [InlineData(nameof(NormalizationStep.Upper), "abc \u00e9", "ABC \u00c9")]
    [InlineData(nameof(NormalizationStep.Lower), "ABC \u00c9", "abc \u00e9")]
    public void Applies_each_step(string step, string input, string expected) =>
        Assert.Equal(expected, Normalizer.Apply(input, [Enum.Parse<NormalizationStep>(step)]));

    [Fact]
    public void Applies_steps_in_contract_order()
    {
        // Collapsing first leaves one space at each end for trim; trimming first leaves none to collapse there.
        Assert.Equal("A B", Normalizer.Apply("  a \t b  ", [NormalizationStep.CollapseWhitespace, NormalizationStep.Trim, NormalizationStep.Upper]));
        Assert.Equal(" a b ", Normalizer.Apply("  a \t b  ", [NormalizationStep.CollapseWhitespace]));
        Assert.Equal("x", Normalizer.Apply("X", [NormalizationStep.Upper, NormalizationStep.Lower]));
        Assert.Equal("X", Normalizer.Apply("x", [NormalizationStep.Lower, NormalizationStep.Upper]));
    }

    [Fact]
    public void No_steps_leave_the_value_alone()
    {
        const string value = "  Mixed \t Case  ";
        Assert.Same(value, Normalizer.Apply(value, []));
    }

    [Theory]
    [InlineData("a  b", "a b")]
    [InlineData("a\tb", "a b")]
    [InlineData("a\nb", "a b")]
    [InlineData("a\u00a0b", "a b")]
    [InlineData("a\u2003b", "a b")]
    [InlineData("\t", " ")]
    [InlineData("  ", " ")]
    [InlineData("a  ", "a ")]
    [InlineData("  a", " a")]
    [InlineData("a \t\r\n b", "a b")]
    [InlineData("ab  cd  ef", "ab cd ef")]
    [InlineData("ab cd\tef", "ab cd ef")]
    [InlineData("x \t", "x ")]
    public void Collapses_every_run_of_white_space_to_one_space(string input, string expected) =>
        Assert.Equal(expected, Normalizer.CollapseWhitespace(input));

    // Most values need nothing; the fast path hands them back without building a new string.
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData(" ")]
    [InlineData("a b")]
    [InlineData(" a b ")]
    [InlineData("a ")]
    [InlineData("Caf\u00e9 de Paris")]
    public void Returns_the_same_string_when_there_is_nothing_to_collapse(string input) =>
        Assert.Same(input, Normalizer.CollapseWhitespace(input));
}
