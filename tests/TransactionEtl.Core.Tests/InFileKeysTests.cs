using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>validate's in-file duplicate set: exact whatever the hashes do, and compact.</summary>
public class InFileKeysTests
{
    [Fact]
    public void Remembers_the_first_line_of_each_key_across_table_growth()
    {
        var keys = new InFileKeys();
        AddNew(keys, "TX-", 0, 50_000);
        AssertKnown(keys, "TX-", 50_000, 7);
    }

    /// <summary>Adds keys <paramref name="prefix"/> + number for numbers from..to-1, each unseen before, on line number + 2.</summary>
    private static void AddNew(InFileKeys keys, string prefix, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            string key = $"{prefix}{i:D8}";
            Assert.False(keys.TryGetFirstLine(key, out _), key);
            keys.Add(key, i + 2);
        }
    }

    /// <summary>Every <paramref name="step"/>th of the <paramref name="count"/> keys AddNew made has its line; the next number is unknown.</summary>
    private static void AssertKnown(InFileKeys keys, string prefix, int count, int step)
    {
        for (int i = 0; i < count; i += step)
        {
            Assert.True(keys.TryGetFirstLine($"{prefix}{i:D8}", out long line));
            Assert.Equal(i + 2, line);
        }
        Assert.False(keys.TryGetFirstLine($"{prefix}{count:D8}", out _));
        Assert.Equal(count, keys.Count);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(0xDEAD_BEEF_0000_0001UL)]
    public void Keys_whose_hashes_all_collide_are_still_told_apart(ulong everyHash)
    {
        // Every key gets the same 64-bit hash: only the exact comparison of the stored bytes can tell them apart.
        var keys = new InFileKeys(_ => everyHash);
        for (int i = 0; i < 1500; i++)
        {
            keys.Add($"id-{i}", i + 10);
        }
        for (int i = 0; i < 1500; i++)
        {
            Assert.True(keys.TryGetFirstLine($"id-{i}", out long line));
            Assert.Equal(i + 10, line);
        }
        Assert.False(keys.TryGetFirstLine("id-1500", out _));
        Assert.False(keys.TryGetFirstLine("id-1 ", out _));
    }

    [Fact]
    public void A_key_keeps_its_first_line_when_added_again()
    {
        var keys = new InFileKeys();
        keys.Add("A", 2);
        keys.Add("A", 9);
        Assert.True(keys.TryGetFirstLine("A", out long line));
        Assert.Equal(2, line);
        Assert.Equal(1, keys.Count);
    }

    [Fact]
    public void Non_ascii_empty_long_and_huge_keys_are_exact()
    {
        string long300 = new('é', 300);
        string huge = new('x', 1_200_000);
        string[] distinct = ["", "ß", "ss", "e\u0301", "é", long300, long300 + "!", huge, huge[..^1] + "y", "line\nbreak", "a\u001fb"];
        var keys = new InFileKeys();
        for (int i = 0; i < distinct.Length; i++)
        {
            Assert.False(keys.TryGetFirstLine(distinct[i], out _), $"key {i} seen before it was added");
            keys.Add(distinct[i], 1_000_000_000_000L + i);
        }
        for (int i = 0; i < distinct.Length; i++)
        {
            Assert.True(keys.TryGetFirstLine(new string(distinct[i].AsSpan()), out long line));
            Assert.Equal(1_000_000_000_000L + i, line);
        }
    }

    [Fact]
    public void A_reserved_table_is_sized_once_and_stays_exact_past_the_arena_positions_it_started_with()
    {
        // 300,000 records of 20 bytes pass 2^20 arena units (4 MB), the positions' first width: the table is rebuilt
        // from the arena once with wider positions, and every key keeps its line.
        var keys = new InFileKeys();
        AddNew(keys, "TX2029-", 0, 16_384);
        keys.Reserve(300_000);
        int reserved = keys.Capacity;
        Assert.InRange(reserved, 300_000, 500_000);
        AddNew(keys, "TX2029-", 16_384, 300_000);
        // 4 bytes per slot: under 2 MB of table for 300,000 keys (8-byte slots in a doubled 2^19 table took 4 MB).
        Assert.Equal(reserved, keys.Capacity);
        AssertKnown(keys, "TX2029-", 300_000, 3);
    }

    [Fact]
    public void Colliding_keys_stay_exact_through_a_reserve_and_rebuilds()
    {
        var keys = new InFileKeys(hash => hash & 0xFFFF_0000_0000_00FFUL);
        for (int i = 0; i < 3000; i++)
        {
            keys.Add($"k{i}", i + 5);
            if (i == 500)
            {
                keys.Reserve(4000);
            }
        }
        for (int i = 0; i < 3000; i++)
        {
            Assert.True(keys.TryGetFirstLine($"k{i}", out long line));
            Assert.Equal(i + 5, line);
        }
        Assert.False(keys.TryGetFirstLine("k3000", out _));
    }

    [Fact]
    public void Lines_far_apart_or_out_of_order_come_back_exactly()
    {
        // The arena stores a line as its distance from its block's first line: large gaps (many rejected rows between
        // two keys), a first line near long.MaxValue and a smaller line after a larger one must all come back as given.
        long[] lines = [5, 6, 1_000_000_007, 1_000_000_008, 3, long.MaxValue - 1, 2, 4_000_000_000_000];
        var keys = new InFileKeys();
        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < lines.Length; i++)
            {
                keys.Add($"r{round}-{i}", lines[i] + (lines[i] > long.MaxValue - 1000 ? 0 : round));
            }
        }
        for (int round = 0; round < 200; round++)
        {
            for (int i = 0; i < lines.Length; i++)
            {
                Assert.True(keys.TryGetFirstLine($"r{round}-{i}", out long line));
                Assert.Equal(lines[i] + (lines[i] > long.MaxValue - 1000 ? 0 : round), line);
            }
        }
    }
}
