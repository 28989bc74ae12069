using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Tests.Loading.Internal;

/// <summary>The direct path's in-file id set: first lines exact whatever the hashes do, and the budget spent per id as before.</summary>
public class InFileKeySetTests
{
    // The set's fixed estimate per id (80 bytes) plus two bytes per character.
    private static long Cost(string key) => 80 + (2L * key.Length);

    [Fact]
    public void Remembers_the_first_line_of_each_id_across_table_growth()
    {
        var keys = new InFileKeySet(long.MaxValue);
        AddNew(keys, "TX-", 0, 50_000);
        AssertKnown(keys, "TX-", 50_000, 7);
        Assert.False(keys.Overflowed);
    }

    [Theory]
    [InlineData(0x0000_03FF)] // every tag 0 in the first table, homes differ: tags collide, full hashes do not
    [InlineData(0x7FF0_0001)] // few distinct hashes, all in the tag bits of the first tables (mostly one home)
    public void Ids_whose_tags_collide_are_told_apart_by_the_full_compare(int keptBits)
    {
        // A probe that trusted a matching tag would take the first id met on the way for the new one.
        var keys = new InFileKeySet(long.MaxValue, hash => hash & keptBits);
        AddNew(keys, "id-", 0, 3000);
        AssertKnown(keys, "id-", 3000, 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Ids_whose_hashes_all_collide_are_still_told_apart(int everyHash)
    {
        // Same hash, so same tag and home: only the stored characters can tell the ids apart.
        var keys = new InFileKeySet(long.MaxValue, _ => everyHash);
        AddNew(keys, "id-", 0, 1500);
        AssertKnown(keys, "id-", 1500, 1);
        Assert.Null(keys.FirstLineOrRemember("id-0000000", 99));
        Assert.Equal(99, keys.FirstLineOrRemember("id-0000000", 100));
    }

    [Fact]
    public void Stops_remembering_at_the_id_the_budget_runs_out_on()
    {
        // Room for exactly 11 ids of 10 characters (100 bytes each); the 12th is not remembered, a shorter later id still is.
        var keys = new InFileKeySet((11 * Cost("k-00000000")) + Cost("s") + 5);
        AddNew(keys, "k-", 0, 12);
        Assert.True(keys.Overflowed);
        Assert.Equal(12, keys.FirstLineOrRemember("k-00000010", 500));
        Assert.Null(keys.FirstLineOrRemember("k-00000011", 501));
        Assert.Null(keys.FirstLineOrRemember("s", 502));
        Assert.Equal(502, keys.FirstLineOrRemember("s", 503));
        Assert.Null(keys.FirstLineOrRemember("t", 504));
        Assert.Null(keys.FirstLineOrRemember("t", 505));
    }

    [Fact]
    public void Empty_long_and_huge_ids_are_exact()
    {
        string huge = new('x', 70_000);
        string[] distinct = ["", "ß", "ss", "e\u0301", "é", new string('é', 300), huge, huge[..^1] + "y", "a\u001fb", "a,b"];
        var keys = new InFileKeySet(long.MaxValue);
        for (int i = 0; i < distinct.Length; i++)
        {
            Assert.Null(keys.FirstLineOrRemember(distinct[i], 1_000_000_000_000L + i));
        }
        for (int i = 0; i < distinct.Length; i++)
        {
            Assert.Equal(1_000_000_000_000L + i, keys.FirstLineOrRemember(new string(distinct[i].AsSpan()).AsSpan(), 7));
        }
    }

    [Fact]
    public void A_hint_for_another_id_is_not_taken_for_the_id_looked_up()
    {
        // Same length, different text: reusing the hint's hash would probe the wrong home and miss the repeat.
        var keys = new InFileKeySet(long.MaxValue);
        Assert.Null(keys.FirstLineOrRemember("id-00000001", 3));
        keys.Prefetch("id-00000002");
        Assert.Equal(3, keys.FirstLineOrRemember("id-00000001", 9));
        Assert.Null(keys.FirstLineOrRemember("id-00000002", 10));
        Assert.Equal(10, keys.FirstLineOrRemember("id-00000002", 11));
    }

    [Theory]
    [InlineData(0x0000_03FF)]
    [InlineData(-1)]
    public void Prefetched_ids_hash_as_looked_up_ones_across_growth_and_the_budget(int keptBits)
    {
        // Ids remembered after a hint are found without one, and the other way round: one hash (remapped too) either way.
        var keys = new InFileKeySet((3000 * Cost("id-00000000")) - 1, hash => hash & keptBits);
        for (int i = 0; i < 3000; i++)
        {
            string key = $"id-{i:D8}";
            if (i % 2 == 0)
            {
                keys.Prefetch(key.ToCharArray());
            }
            Assert.Null(keys.FirstLineOrRemember(key, i + 2));
        }
        Assert.True(keys.Overflowed);
        for (int i = 0; i < 2999; i++)
        {
            string key = $"id-{i:D8}";
            if (i % 3 == 0)
            {
                keys.Prefetch(key);
            }
            Assert.Equal(i + 2, keys.FirstLineOrRemember(key, -1));
        }
        keys.Prefetch("id-00002999");
        Assert.Null(keys.FirstLineOrRemember("id-00002999", 7));
    }

    /// <summary>Ids <paramref name="prefix"/> + number for numbers from..to-1, each new, on line number + 2.</summary>
    private static void AddNew(InFileKeySet keys, string prefix, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            string key = $"{prefix}{i:D8}";
            Assert.Null(keys.FirstLineOrRemember(key, i + 2));
        }
    }

    /// <summary>Every <paramref name="step"/>th of the <paramref name="count"/> ids AddNew made has its first line; the next number is new.</summary>
    private static void AssertKnown(InFileKeySet keys, string prefix, int count, int step)
    {
        for (int i = 0; i < count; i += step)
        {
            Assert.Equal(i + 2, keys.FirstLineOrRemember($"{prefix}{i:D8}", -1));
        }
        Assert.Null(keys.FirstLineOrRemember($"{prefix}{count:D8}", count + 2));
        Assert.Equal(count + 2, keys.FirstLineOrRemember($"{prefix}{count:D8}", -1));
    }
}
