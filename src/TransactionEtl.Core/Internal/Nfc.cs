using System.Globalization;
using System.Text;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Unicode Normalization Form C (UAX #15). The product runs with InvariantGlobalization (the Lambda is Native AOT
/// without ICU), where <see cref="string.Normalize()"/> returns its input unchanged; so this is a small implementation
/// over generated Unicode data (unicode-nfc.txt): full canonical decomposition, canonical ordering, then canonical
/// composition, Hangul done algorithmically.
/// </summary>
internal static class Nfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    /// <summary>No code point below U+0300 decomposes or combines, so text made only of those is already NFC.</summary>
    private const char FirstUnsafe = '\u0300';

    private static readonly Lazy<Tables> Data = new(Tables.Load);

    public static string Normalize(string value)
    {
        int i = 0;
        while (i < value.Length && value[i] < FirstUnsafe)
        {
            i++;
        }
        if (i == value.Length)
        {
            return value;
        }
        var tables = Data.Value;
        var decomposed = new List<int>(value.Length + 8);
        int index = 0;
        while (index < value.Length)
        {
            int cp;
            if (char.IsHighSurrogate(value[index]) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
            {
                cp = char.ConvertToUtf32(value[index], value[index + 1]);
                index += 2;
            }
            else
            {
                // A lone surrogate cannot come from valid UTF-8; keep it as it is rather than throw.
                cp = value[index];
                index++;
            }
            Decompose(cp, tables, decomposed);
        }
        SortCanonically(decomposed, tables);
        Compose(decomposed, tables);
        var sb = new StringBuilder(value.Length);
        foreach (int cp in decomposed)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                sb.Append((char)cp);
            }
            else
            {
                sb.Append(char.ConvertFromUtf32(cp));
            }
        }
        string result = sb.ToString();
        return string.Equals(result, value, StringComparison.Ordinal) ? value : result;
    }

    private static void Decompose(int cp, Tables tables, List<int> output)
    {
        int s = cp - SBase;
        if (s is >= 0 and < SCount)
        {
            output.Add(LBase + (s / NCount));
            output.Add(VBase + (s % NCount / TCount));
            if (s % TCount != 0)
            {
                output.Add(TBase + (s % TCount));
            }
            return;
        }
        if (tables.Decompositions.TryGetValue(cp, out int[]? mapping))
        {
            foreach (int m in mapping)
            {
                Decompose(m, tables, output);
            }
            return;
        }
        output.Add(cp);
    }

    private static void SortCanonically(List<int> cps, Tables tables)
    {
        // Stable insertion sort by combining class within each run of non-starters (runs are short).
        for (int i = 1; i < cps.Count; i++)
        {
            int cls = tables.Class(cps[i]);
            if (cls == 0)
            {
                continue;
            }
            int j = i;
            while (j > 0 && tables.Class(cps[j - 1]) > cls)
            {
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
                j--;
            }
        }
    }

    private static void Compose(List<int> cps, Tables tables)
    {
        if (cps.Count == 0)
        {
            return;
        }
        int starterPos = 0;
        int starter = cps[0];
        int lastClass = tables.Class(starter) == 0 ? 0 : 256;
        int write = 1;
        for (int read = 1; read < cps.Count; read++)
        {
            int ch = cps[read];
            int cls = tables.Class(ch);
            int composite = ComposePair(starter, ch, tables);
            if (composite >= 0 && (lastClass < cls || lastClass == 0))
            {
                cps[starterPos] = composite;
                starter = composite;
                continue;
            }
            if (cls == 0)
            {
                starterPos = write;
                starter = ch;
            }
            lastClass = cls;
            cps[write++] = ch;
        }
        cps.RemoveRange(write, cps.Count - write);
    }

    private static int ComposePair(int a, int b, Tables tables)
    {
        int l = a - LBase;
        if (l is >= 0 and < LCount)
        {
            int v = b - VBase;
            return v is >= 0 and < VCount ? SBase + (((l * VCount) + v) * TCount) : -1;
        }
        int s = a - SBase;
        if (s is >= 0 and < SCount && s % TCount == 0)
        {
            int t = b - TBase;
            return t is > 0 and < TCount ? a + t : -1;
        }
        return tables.Compositions.TryGetValue(((long)a << 21) | (uint)b, out int c) ? c : -1;
    }

    private sealed class Tables
    {
        public Dictionary<int, byte> Classes { get; } = [];
        public Dictionary<int, int[]> Decompositions { get; } = [];
        public Dictionary<long, int> Compositions { get; } = [];

        public int Class(int cp) => cp < FirstUnsafe ? 0 : Classes.GetValueOrDefault(cp);

        public static Tables Load()
        {
            const string name = "TransactionEtl.Core.Internal.unicode-nfc.txt";
            using var stream = typeof(Nfc).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"Embedded resource {name} is missing from the build.");
            using var reader = new StreamReader(stream);
            var tables = new Tables();
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }
                var parts = line.Split(' ');
                int Hex(int i) => int.Parse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                switch (parts[0])
                {
                    case "C":
                        tables.Classes[Hex(1)] = byte.Parse(parts[2], CultureInfo.InvariantCulture);
                        break;
                    case "D":
                        tables.Decompositions[Hex(1)] = parts.Skip(2).Select(p => int.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
                        break;
                    case "P":
                        tables.Compositions[((long)Hex(1) << 21) | (uint)Hex(2)] = Hex(3);
                        break;
                    default:
                        throw new InvalidDataException($"unicode-nfc.txt: unexpected line '{line}'");
                }
            }
            return tables;
        }
    }
}
