using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>validate's in-file duplicate set checked with a row's text (a span, no string) and added from that probe.</summary>
public class InFileKeysSpanTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Keys_probed_as_spans_and_added_from_the_probe_keep_their_lines_across_growth_and_a_reserve(bool everyHashCollides)
    {
        var keys = everyHashCollides ? new InFileKeys(_ => 42UL) : new InFileKeys();
        int count = everyHashCollides ? 1500 : 40_000;
        var text = new char[16];
        for (int i = 0; i < count; i++)
        {
            var key = Format(text, i);
            Assert.False(keys.TryGetFirstLine(key, out _), key.ToString());
            if (i == count / 3)
            {
                // A rebuild between the probe and the add moves every slot: the add must not use the slot the probe found.
                keys.Reserve(count);
            }
            keys.AddProbed(i + 2);
        }
        for (int i = 0; i < count; i++)
        {
            Assert.True(keys.TryGetFirstLine(Format(text, i), out long line));
            Assert.Equal(i + 2, line);
            Assert.True(keys.TryGetFirstLine($"K{i:D9}", out line));
            Assert.Equal(i + 2, line);
        }
        Assert.False(keys.TryGetFirstLine(Format(text, count), out _));
        Assert.Equal(count, keys.Count);
    }

    [Fact]
    public void Adding_from_a_probe_that_found_the_key_keeps_its_first_line()
    {
        var keys = new InFileKeys();
        keys.Add("TX-1".AsSpan(), 2);
        Assert.True(keys.TryGetFirstLine("TX-1".AsSpan(), out long line));
        Assert.Equal(2, line);
        keys.AddProbed(9);
        Assert.True(keys.TryGetFirstLine("TX-1", out line));
        Assert.Equal(2, line);
        Assert.Equal(1, keys.Count);
    }

    [Fact]
    public void Span_and_string_forms_of_a_key_are_the_same_key_as_their_utf8_bytes_see_it()
    {
        var keys = new InFileKeys();
        keys.Add("café-\uD800", 3);
        // A lone surrogate is U+FFFD in UTF-8, as SpilledKeys compares keys; precomposed é is not e + combining accent.
        Assert.True(keys.TryGetFirstLine("café-\uFFFD".AsSpan(), out long line));
        Assert.Equal(3, line);
        Assert.False(keys.TryGetFirstLine("cafe\u0301-\uFFFD".AsSpan(), out _));
        keys.AddProbed(4);
        Assert.True(keys.TryGetFirstLine("cafe\u0301-\uD800", out line));
        Assert.Equal(4, line);
        Assert.Equal(2, keys.Count);
    }

    private static ReadOnlySpan<char> Format(char[] text, int i)
    {
        Assert.True(i.TryFormat(text.AsSpan(1), out int written, "D9"));
        text[0] = 'K';
        return text.AsSpan(0, written + 1);
    }
}
