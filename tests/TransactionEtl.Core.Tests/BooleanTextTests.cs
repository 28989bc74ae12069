using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>The spec's boolean spellings: true/false/yes/no/1/0/y/n in any case, and nothing else.</summary>
public class BooleanTextTests
{
    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData("True")]
    [InlineData("yes")]
    [InlineData("YeS")]
    [InlineData("1")]
    [InlineData("y")]
    [InlineData("Y")]
    public void Reads_every_spelling_of_true(string text)
    {
        Assert.True(BooleanText.TryParse(text, out bool value));
        Assert.True(value);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("FALSE")]
    [InlineData("fAlse")]
    [InlineData("no")]
    [InlineData("NO")]
    [InlineData("0")]
    [InlineData("n")]
    [InlineData("N")]
    public void Reads_every_spelling_of_false(string text)
    {
        Assert.True(BooleanText.TryParse(text, out bool value));
        Assert.False(value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("maybe")]
    [InlineData("tru")]
    [InlineData("truee")]
    [InlineData("ye")]
    [InlineData("2")]
    [InlineData("-1")]
    [InlineData("01")]
    [InlineData("on")]
    [InlineData("off")]
    [InlineData("t")]
    [InlineData("f")]
    [InlineData(" true")]
    public void Refuses_anything_else_and_reports_false(string text)
    {
        Assert.False(BooleanText.TryParse(text, out bool value));
        Assert.False(value);
    }
}
