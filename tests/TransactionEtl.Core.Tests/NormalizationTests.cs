using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

public class NormalizationTests
{
    private static string FromHex(string hex) =>
        string.Concat(hex.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => char.ConvertFromUtf32(int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));

    [Fact]
    public void Nfc_matches_the_reference_vectors()
    {
        // Vectors generated with Python's unicodedata: mixes of combining marks, precomposed letters, Hangul jamo.
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "nfc-vectors.txt")).Where(l => !l.StartsWith('#')).ToList();
        Assert.True(lines.Count > 1000);
        foreach (var line in lines)
        {
            var parts = line.Split('\t');
            Assert.Equal(FromHex(parts[1]), Nfc.Normalize(FromHex(parts[0])));
        }
    }

    [Theory]
    [InlineData("Cafe\u0301", "Caf\u00e9")]
    [InlineData("\u1100\u1161\u11a8", "\uac01")]
    [InlineData("A\u030a", "\u00c5")]
    [InlineData("\u212b", "\u00c5")]
    [InlineData("plain ascii", "plain ascii")]
    public void Nfc_composes(string input, string expected) => Assert.Equal(expected, Nfc.Normalize(input));

    [Fact]
    public void Collapse_whitespace_turns_every_run_into_one_space()
    {
        Assert.Equal(" a b c ", Normalizer.CollapseWhitespace("\t a \r\n\u00a0b  c  "));
        Assert.Equal("a b", Normalizer.CollapseWhitespace("a b"));
    }

    [ScaledProperty(500)]
    public bool Normalizing_twice_is_the_same_as_once_for_every_default_field(NonNull<string> text)
    {
        foreach (var field in Contract.Default.Fields)
        {
            string once = Normalizer.Apply(text.Get, field.Normalize);
            if (Normalizer.Apply(once, field.Normalize) != once)
            {
                return false;
            }
        }
        return true;
    }

    [ScaledProperty(300)]
    public bool Normalizing_unicode_text_twice_is_the_same_as_once(int[] seeds)
    {
        // Strings drawn from the interesting blocks: Latin with combining marks, Hangul, Greek, spaces.
        var ranges = new[] { (0x20, 0x7e), (0xc0, 0x17f), (0x300, 0x36f), (0x1100, 0x11ff), (0xac00, 0xac20), (0x1e00, 0x1eff), (0x370, 0x3ff), (0x2000, 0x200b) };
        var sb = new StringBuilder();
        foreach (int seed in seeds ?? [])
        {
            var (lo, hi) = ranges[Math.Abs(seed % ranges.Length)];
            sb.Append((char)(lo + (Math.Abs(seed / 7) % (hi - lo + 1))));
        }
        var steps = Contract.Default.Fields.Single(f => f.Name == "merchant").Normalize;
        string once = Normalizer.Apply(sb.ToString(), steps);
        return Normalizer.Apply(once, steps) == once;
    }
}
