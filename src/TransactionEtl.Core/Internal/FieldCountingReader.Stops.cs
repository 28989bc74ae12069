using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransactionEtl.Core.Internal;

/// <summary>The counter's search for the next quote or line break, counting the delimiters on the way.</summary>
internal sealed partial class FieldCountingReader
{
    /// <summary>
    /// The index of the first quote or line break in <paramref name="chars"/> (-1 if none), and the delimiters before
    /// it; both go to the log (if kept) at their text positions, <paramref name="at"/> being that of chars[0].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextStop(ReadOnlySpan<char> chars, long at, out int delimiters)
    {
        int k = Sse2.IsSupported ? NextStopSse2(chars, at, out delimiters) : NextStopScalar(chars, at, out delimiters);
        if (k >= 0)
        {
            _log?.AddStop(at + k);
        }
        return k;
    }

    private int NextStopScalar(ReadOnlySpan<char> chars, long at, out int delimiters)
    {
        int k = chars.IndexOfAny(_stops);
        var before = k < 0 ? chars : chars[..k];
        delimiters = before.Count(_delimiter);
        if (_log is not null)
        {
            for (int d = 0; d < before.Length; d++)
            {
                if (before[d] == _delimiter)
                {
                    _log.AddDelimiter(at + d);
                }
            }
        }
        return k;
    }

    /// <summary>
    /// <see cref="NextStop"/> in one pass of 16 characters a step (32 with AVX2, which the x64 builds target). Why not
    /// IndexOfAny and Count: two passes per line, and at the x64 Native AOT default baseline Count called a software
    /// ExtractMostSignificantBits per 8 characters (measured before the x64 builds moved to x86-64-v3,
    /// Directory.Build.props, where Count is vectorized; this one pass was not measured against the two vectorized ones
    /// since). The step is <see cref="CsvVectorStep"/>.
    /// </summary>
    private int NextStopSse2(ReadOnlySpan<char> chars, long at, out int delimiters)
    {
        ref short first = ref Unsafe.As<char, short>(ref MemoryMarshal.GetReference(chars));
        int count = 0;
        int i = 0;
        if (Avx2.IsSupported)
        {
            int stop = NextStopAvx2(chars, at, ref i, ref count);
            if (stop >= 0)
            {
                delimiters = count;
                return stop;
            }
        }
        var delimiter = Vector128.Create((short)_delimiter);
        var quote = Vector128.Create((short)_quote);
        for (; i <= chars.Length - 16; i += 16)
        {
            uint masks = CsvVectorStep.Masks(ref first, i, delimiter, quote);
            uint delimiterBits = masks & 0xFFFF;
            uint stopBits = masks >> 16;
            if (stopBits != 0)
            {
                int stop = BitOperations.TrailingZeroCount(stopBits);
                delimiterBits &= (1u << stop) - 1;
                _log?.AddDelimiters(at + i, delimiterBits);
                delimiters = count + BitOperations.PopCount(delimiterBits);
                return i + stop;
            }
            _log?.AddDelimiters(at + i, delimiterBits);
            count += BitOperations.PopCount(delimiterBits);
        }
        for (; i < chars.Length; i++)
        {
            char c = chars[i];
            if (c == _quote || c == '\r' || c == '\n')
            {
                delimiters = count;
                return i;
            }
            if (c == _delimiter)
            {
                _log?.AddDelimiter(at + i);
                count++;
            }
        }
        delimiters = count;
        return -1;
    }

    /// <summary>
    /// The 32-character steps of <see cref="NextStopSse2"/>: from <paramref name="i"/>, the index of the first stop with
    /// <paramref name="count"/> the delimiters before it, or -1 with <paramref name="i"/> and <paramref name="count"/>
    /// where fewer than 32 characters remain. Half the steps of a line (perf: NextStopSse2 1-1.2 % of a load, session 12).
    /// </summary>
    private int NextStopAvx2(ReadOnlySpan<char> chars, long at, ref int i, ref int count)
    {
        ref short first = ref Unsafe.As<char, short>(ref MemoryMarshal.GetReference(chars));
        var delimiter = Vector256.Create((short)_delimiter);
        var quote = Vector256.Create((short)_quote);
        var cr = Vector256.Create((short)'\r');
        var lf = Vector256.Create((short)'\n');
        for (; i <= chars.Length - 32; i += 32)
        {
            var a = Vector256.LoadUnsafe(ref first, (nuint)i);
            var b = Vector256.LoadUnsafe(ref first, (nuint)(i + 16));
            uint delimiterBits = Mask(Avx2.CompareEqual(a, delimiter), Avx2.CompareEqual(b, delimiter));
            var stopA = Avx2.Or(Avx2.Or(Avx2.CompareEqual(a, quote), Avx2.CompareEqual(a, cr)), Avx2.CompareEqual(a, lf));
            var stopB = Avx2.Or(Avx2.Or(Avx2.CompareEqual(b, quote), Avx2.CompareEqual(b, cr)), Avx2.CompareEqual(b, lf));
            uint stopBits = Mask(stopA, stopB);
            if (stopBits != 0)
            {
                int stop = BitOperations.TrailingZeroCount(stopBits);
                delimiterBits &= (1u << stop) - 1;
                _log?.AddDelimiters(at + i, delimiterBits);
                count += BitOperations.PopCount(delimiterBits);
                return i + stop;
            }
            _log?.AddDelimiters(at + i, delimiterBits);
            count += BitOperations.PopCount(delimiterBits);
        }
        return -1;
    }

    /// <summary>One bit per character of <paramref name="a"/> then <paramref name="b"/>, from their compare results.</summary>
    // The 256-bit pack interleaves the halves by 128-bit lane: the permute puts the 32 bytes back in text order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mask(Vector256<short> a, Vector256<short> b) =>
        (uint)Avx2.MoveMask(Avx2.Permute4x64(Avx2.PackSignedSaturate(a, b).AsInt64(), 0b11_01_10_00).AsByte());
}
