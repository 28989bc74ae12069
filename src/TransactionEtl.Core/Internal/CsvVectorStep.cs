using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The 16-character vector step of <see cref="FieldCountingReader"/>'s stop search: the characters compared with the
/// delimiter, and with the quote, CR and LF, at once (<see cref="RecordFields"/> takes the positions it finds).
/// </summary>
internal static class CsvVectorStep
{
    /// <summary>
    /// Characters <paramref name="at"/> to <paramref name="at"/> + 15 from <paramref name="first"/> (SSE2 only): bit k
    /// is set when character at + k is the delimiter, bit 16 + k when it is the quote, CR or LF. The compares and byte
    /// masks are exact for any character (the packed values are compare results, 0 or -1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Masks(ref short first, int at, Vector128<short> delimiter, Vector128<short> quote)
    {
        var a = Vector128.LoadUnsafe(ref first, (nuint)at);
        var b = Vector128.LoadUnsafe(ref first, (nuint)(at + 8));
        var cr = Vector128.Create((short)'\r');
        var lf = Vector128.Create((short)'\n');
        uint delimiters = (uint)Sse2.MoveMask(Sse2.PackSignedSaturate(Sse2.CompareEqual(a, delimiter), Sse2.CompareEqual(b, delimiter)));
        var stopA = Sse2.Or(Sse2.Or(Sse2.CompareEqual(a, quote), Sse2.CompareEqual(a, cr)), Sse2.CompareEqual(a, lf));
        var stopB = Sse2.Or(Sse2.Or(Sse2.CompareEqual(b, quote), Sse2.CompareEqual(b, cr)), Sse2.CompareEqual(b, lf));
        uint stops = (uint)Sse2.MoveMask(Sse2.PackSignedSaturate(stopA, stopB));
        return delimiters | (stops << 16);
    }
}
