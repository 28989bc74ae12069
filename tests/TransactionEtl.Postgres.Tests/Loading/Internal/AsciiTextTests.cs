using System.Text;
using FsCheck.Xunit;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Tests.Loading.Internal;

public sealed class AsciiTextTests
{
    [Fact]
    public void Narrows_ascii_text_of_every_length_to_its_utf8_bytes()
    {
        for (int length = 0; length <= 40; length++)
        {
            var text = new string(Enumerable.Range(0, length).Select(i => (char)(' ' + (i * 7 % 95))).ToArray());
            var destination = new byte[length + 8];
            Array.Fill(destination, (byte)0xEE);

            Assert.True(AsciiText.TryNarrow(text, destination), $"length {length}");
            Assert.Equal(Encoding.UTF8.GetBytes(text), destination[..length]);
            Assert.All(destination[length..], b => Assert.Equal(0xEE, b)); // nothing written past the text
        }
    }

    [Theory]
    [InlineData('\u0080')]
    [InlineData('é')]
    [InlineData('\u00FF')]
    [InlineData('\u0100')]
    [InlineData('€')]
    [InlineData('\uD83D')]
    [InlineData('\uFFFF')]
    public void Refuses_text_with_one_character_past_ascii_at_any_place(char other)
    {
        for (int length = 1; length <= 33; length++)
        {
            for (int at = 0; at < length; at++)
            {
                var chars = Enumerable.Repeat('a', length).ToArray();
                chars[at] = other;
                Assert.False(AsciiText.TryNarrow(chars, new byte[3 * length]), $"length {length}, at {at}");
            }
        }
    }

    [Property(MaxTest = 200)]
    public bool Narrows_exactly_when_the_text_is_ascii(string? text)
    {
        text ??= "";
        var destination = new byte[text.Length];
        bool narrowed = AsciiText.TryNarrow(text, destination);
        return narrowed == Ascii.IsValid(text) && (!narrowed || destination.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Refuses_a_destination_shorter_than_the_text() =>
        Assert.Throws<ArgumentException>(() => AsciiText.TryNarrow("abcdefghij", new byte[9]));
}
