using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A non-empty cell text as <see cref="CellMemo"/> finds it: its length, two words of its characters and a hash over
/// all of them. The words are the first and the last four characters (which overlap below eight), or for one to three
/// characters the first, middle and last; with the length they determine a text of up to <see cref="WholeChars"/>
/// characters, so such a text is compared as three integers, without loading a remembered string (at a million rows
/// those loads were cache misses: most of the memo's time in the profile of issue 19).
/// </summary>
internal static class CellMemoKey
{
    /// <summary>Texts up to this length are determined by their length and the two words of <see cref="Of"/>.</summary>
    public const int WholeChars = 8;

    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    /// <summary>The text's hash, and its two words in <paramref name="head"/> and <paramref name="tail"/>.</summary>
    // Per memo lookup: inlined, so that the words stay in registers (as a struct returned through the stack, the
    // caller's wide load of the callee's narrow stores stalled on store forwarding: 40 % of TryGet at 1M rows).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ReadOnlySpan<char> text, out ulong head, out ulong tail)
    {
        Words(text, out head, out tail);
        ulong h = ((ulong)text.Length ^ head) * Multiplier;
        // The middle of a longer text, four characters a step (the last step may overlap the tail): the top bits of
        // the product depend on every character, and they pick the slot.
        for (int i = 4; i < text.Length - 4; i += 4)
        {
            h = (h ^ MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(text.Slice(i, 4)))) * Multiplier;
        }
        return (h ^ tail) * Multiplier;
    }

    /// <summary><see cref="Of"/> of a text of at most <see cref="WholeChars"/> characters (the same hash: it has no middle).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong OfWhole(ReadOnlySpan<char> text, out ulong head, out ulong tail)
    {
        Words(text, out head, out tail);
        return ((((ulong)text.Length ^ head) * Multiplier) ^ tail) * Multiplier;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Words(ReadOnlySpan<char> text, out ulong head, out ulong tail)
    {
        if (text.Length >= 4)
        {
            var bytes = MemoryMarshal.AsBytes(text);
            head = MemoryMarshal.Read<ulong>(bytes);
            tail = MemoryMarshal.Read<ulong>(bytes[^8..]);
        }
        else
        {
            head = text.Length == 0 ? 0 : text[0] | ((ulong)text[text.Length >> 1] << 16) | ((ulong)text[^1] << 32);
            tail = 0;
        }
    }
}
