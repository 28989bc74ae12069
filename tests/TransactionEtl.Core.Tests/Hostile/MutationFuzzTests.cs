using FsCheck.Xunit;

namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>
/// In-run fuzzing: random bytes and corpus files mutated the way coverage fuzzers do (bit flips, byte insert and
/// delete, chunk delete and repeat, splices of two files, truncation, CSV-significant bytes) go through reader and
/// validator. Whatever the bytes, the engine must return a documented outcome, never throw, and keep the
/// invariants. A fixed number of cases keeps the run short; fuzz/ holds the harness for long runs.
/// </summary>
public class MutationFuzzTests
{
    private static readonly byte[][] Seeds = Directory.GetFiles(HostileManifest.Directory, "*.csv")
        .Order(StringComparer.Ordinal)
        .Select(File.ReadAllBytes)
        .Where(b => b.Length <= 64 * 1024)
        .ToArray();

    // Bytes that mean something to CSV, UTF-8 or the contract: the mutations that reach the interesting branches.
    private static readonly byte[][] Tokens =
    [
        [(byte)'"'], [(byte)','], [(byte)'\n'], [(byte)'\r'], [(byte)'\r', (byte)'\n'], [(byte)';'], [0x00], [(byte)' '],
        [0xEF, 0xBB, 0xBF], [0xC3], [0xE2, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xC0, 0xAF], [0xFF], [(byte)'"', (byte)'"'],
        "2024-02-29"u8.ToArray(), "-0"u8.ToArray(), "1e30"u8.ToArray(), "TX-1"u8.ToArray(), "JPY"u8.ToArray(), ",,,,,,,,,,"u8.ToArray(),
    ];

    [ScaledProperty(2000)]
    public void Random_and_mutated_bytes_get_a_documented_outcome_and_keep_the_invariants(int pick, int seed)
    {
        byte[] input = Make(pick, seed);
        var rng = new Random(seed);
        var options = new ProcessingOptions
        {
            DetectDuplicatesInMemory = rng.Next(2) == 0,
            // Sometimes tiny limits, so the limit paths are fuzzed too.
            MaxRecordChars = rng.Next(4) == 0 ? 4096 : ProcessingOptions.DefaultMaxRecordChars,
            MaxFieldChars = rng.Next(4) == 0 ? 1 + rng.Next(32) : ProcessingOptions.DefaultMaxFieldChars,
            MaxFieldsPerRecord = rng.Next(4) == 0 ? 1 + rng.Next(16) : ProcessingOptions.DefaultMaxFieldsPerRecord,
        };
        var sink = new OrderedSink(keepValues: false);
        FileResult result;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            result = FileProcessor.ProcessAsync(new MemoryStream(input), sink, options, cts.Token).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Assert.Fail($"pick {pick} seed {seed}: threw {e}\ninput (hex): {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 2048)))}");
            return;
        }
        var broken = Invariants.Check(result, sink, input.Length);
        Assert.True(broken.Count == 0,
            $"pick {pick} seed {seed}: {string.Join("; ", broken)}\ninput (hex): {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 2048)))}");
    }

    /// <summary>Deterministic from (pick, seed), so a failure can be replayed from the two numbers in its message.</summary>
    internal static byte[] Make(int pick, int seed)
    {
        var rng = new Random(seed);
        if ((uint)pick % 8 == 0)
        {
            var random = new byte[rng.Next(0, 2048)];
            rng.NextBytes(random);
            return random;
        }
        var data = new List<byte>(Seeds[(int)((uint)pick % (uint)Seeds.Length)]);
        int mutations = 1 + rng.Next(8);
        for (int m = 0; m < mutations; m++)
        {
            int at = data.Count == 0 ? 0 : rng.Next(data.Count);
            switch (rng.Next(8))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1:
                    data.Insert(at, (byte)rng.Next(256));
                    break;
                case 2 when data.Count > 0:
                    data.RemoveAt(at);
                    break;
                case 3 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + rng.Next(64)));
                    break;
                case 4 when data.Count > 0:
                    int len = Math.Min(data.Count - at, 1 + rng.Next(256));
                    var chunk = data.GetRange(at, len);
                    for (int k = rng.Next(1, 4); k > 0; k--)
                    {
                        data.InsertRange(at, chunk);
                    }
                    break;
                case 5:
                    byte[] other = Seeds[rng.Next(Seeds.Length)];
                    int from = other.Length == 0 ? 0 : rng.Next(other.Length);
                    data.RemoveRange(at, data.Count - at);
                    data.AddRange(other.AsSpan(from).ToArray());
                    break;
                case 6 when data.Count > 0:
                    data.RemoveRange(at, data.Count - at);
                    break;
                default:
                    data.InsertRange(at, Tokens[rng.Next(Tokens.Length)]);
                    break;
            }
        }
        return data.ToArray();
    }
}
