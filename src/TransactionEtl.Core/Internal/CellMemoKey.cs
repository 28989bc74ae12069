using System.Runtime.InteropServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A non-empty cell text as <see cref="CellMemo"/> finds it: its length, two words of its characters and a hash over
/// all of them. The words are the first and the last four characters (which overlap below eight), or for one to three
/// characters the first, middle and last; with the length they determine a text of up to <see cref="WholeChars"/>
/// characters, so such a text is compared as three integers, without loading a remembered string (at a million rows
/// those loads were cache misses: most of the memo's time in the profile of issue 19).
/// </summary>
internal readonly struct CellMemoKey
{
    /// <summary>Texts up to this length are determined by <see cref="Length"/>, <see cref="Head"/> and <see cref="Tail"/>.</summary>
    public const int WholeChars = 8;

    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    public CellMemoKey(ReadOnlySpan<char> text)
    {
        Length = text.Length;
        if (text.Length >= 4)
        {
            var bytes = MemoryMarshal.AsBytes(text);
            Head = MemoryMarshal.Read<ulong>(bytes);
            Tail = MemoryMarshal.Read<ulong>(bytes[^8..]);
        }
        else
        {
            Head = text.Length == 0 ? 0 : text[0] | ((ulong)text[text.Length >> 1] << 16) | ((ulong)text[^1] << 32);
            Tail = 0;
        }

        ulong h = ((ulong)text.Length ^ Head) * Multiplier;
        // The middle of a longer text, four characters a step (the last step may overlap the tail): the top bits of
        // the product depend on every character, and they pick the slot.
        for (int i = 4; i < text.Length - 4; i += 4)
        {
            h = (h ^ MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(text.Slice(i, 4)))) * Multiplier;
        }
        Hash = (h ^ Tail) * Multiplier;
    }

    public int Length { get; }

    public ulong Head { get; }

    public ulong Tail { get; }

    public ulong Hash { get; }
}
