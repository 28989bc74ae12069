using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>ASCII text to its UTF-8 bytes (one byte a character), for the short values of a COPY row.</summary>
/// <remarks>
/// Why not <c>Ascii.FromUtf16</c>: for values of 2-20 characters its two calls and its set-up for long input cost more
/// than the narrowing (bench/callgrind.sh: about 60 instructions a value, 8 text values a default-contract row).
/// </remarks>
internal static class AsciiText
{
    /// <summary>
    /// Writes <paramref name="value"/>'s characters as bytes into <paramref name="destination"/> (at least as long)
    /// when every one is ASCII; false at the first that is not, with the destination partly written.
    /// </summary>
    public static bool TryNarrow(ReadOnlySpan<char> value, Span<byte> destination)
    {
        int length = value.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is shorter than the text.", nameof(destination));
        }

        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(value));
        ref byte target = ref MemoryMarshal.GetReference(destination);
        if (length < Vector128<ushort>.Count)
        {
            for (int i = 0; i < length; i++)
            {
                uint c = Unsafe.Add(ref source, i);
                if (c > 0x7F)
                {
                    return false;
                }

                Unsafe.Add(ref target, i) = (byte)c;
            }

            return true;
        }

        // Eight characters a step; the last step overlaps the one before it instead of reading past the text.
        var nonAscii = Vector128.Create((ushort)0xFF80);
        int last = length - Vector128<ushort>.Count;
        for (int i = 0; ; i = Math.Min(i + Vector128<ushort>.Count, last))
        {
            var chars = Vector128.LoadUnsafe(ref source, (nuint)i);
            if ((chars & nonAscii) != Vector128<ushort>.Zero)
            {
                return false;
            }

            Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, i), Vector128.Narrow(chars, chars).AsUInt64().ToScalar());
            if (i == last)
            {
                return true;
            }
        }
    }
}
