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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_prefetched_key_is_looked_up_and_added_as_itself_through_a_reserve(bool everyHashCollides)
    {
        var keys = everyHashCollides ? new InFileKeys(_ => 7UL) : new InFileKeys();
        var text = new char[16];
        for (int i = 0; i < 3000; i++)
        {
            keys.Prefetch(Format(text, i));
            if (i == 1000)
            {
                // A rebuild between the prefetch and the lookup: the lookup probes the new table with the same bytes.
                keys.Reserve(3000);
            }
            Assert.False(keys.TryGetFirstLinePrefetched(out _));
            keys.AddProbed(i + 2);
            // The lookup of a key prefetched again finds it: the prefetch's bytes are this key's, not the last add's.
            keys.Prefetch(Format(text, i / 2));
            Assert.True(keys.TryGetFirstLinePrefetched(out long line));
            Assert.Equal(i / 2 + 2, line);
        }
        Assert.Equal(3000, keys.Count);
    }

    [Fact]
    public void A_lookup_of_another_key_after_a_prefetch_is_that_key_and_uses_up_the_prefetch()
    {
        var keys = new InFileKeys();
        keys.Add("A-1".AsSpan(), 2);
        keys.Add("B-2".AsSpan(), 3);
        keys.Prefetch("A-1");
        Assert.True(keys.TryGetFirstLine("B-2".AsSpan(), out long line));
        Assert.Equal(3, line);
        // B-2's lookup replaced the prefetched bytes: answering from them now would be B-2's line, not A-1's.
        Assert.Throws<InvalidOperationException>(() => keys.TryGetFirstLinePrefetched(out _));
        keys.Prefetch("A-1");
        keys.Add("C-3".AsSpan(), 4);
        Assert.Throws<InvalidOperationException>(() => keys.TryGetFirstLinePrefetched(out _));
        keys.Prefetch("A-1");
        Assert.True(keys.TryGetFirstLinePrefetched(out line));
        Assert.Equal(2, line);
        Assert.Throws<InvalidOperationException>(() => keys.TryGetFirstLinePrefetched(out _));
    }

    private static ReadOnlySpan<char> Format(char[] text, int i)
    {
        Assert.True(i.TryFormat(text.AsSpan(1), out int written, "D9"));
        text[0] = 'K';
        return text.AsSpan(0, written + 1);
    }
}
