using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Strings that come back row after row as the same object, written from their encoded field instead of being
/// encoded again.
/// </summary>
/// <remarks>
/// The validator hands a file's repeated values (category, currency, country, a merchant, the tax rule's id) to every
/// row as one string object from its memo or the contract, so the object identifies its bytes: the field (length and
/// UTF-8) is kept once per string and copied as one 32-byte block. Keyed by identity, not text: no hash or compare
/// of characters, and a string never changes, so a kept field is always that string's. A direct-mapped table, the
/// slot chosen by the string's address (<see cref="SlotOf"/>): a string whose slot another holds is encoded as before
/// and takes the slot.
/// </remarks>
internal sealed partial class BinaryCopyWriter
{
    private const int KeptStringSlotBits = 10;
    private const int KeptStringSlots = 1 << KeptStringSlotBits;
    private const int KeptFieldBytes = 32; // the length prefix and up to 28 bytes of UTF-8
    private const int KeptTextSteps = 256; // longer kept text is rare (ids are short) and goes the general way

    private readonly string?[] _keptStrings = new string?[KeptStringSlots];
    private readonly byte[] _keptFields = new byte[KeptStringSlots * KeptFieldBytes];

    /// <summary>A text value held by a string that may come back on later rows.</summary>
    private void WriteRepeatedText(string value)
    {
        int slot = SlotOf(value);
        ref string? kept = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_keptStrings), slot);
        if (!ReferenceEquals(kept, value))
        {
            WriteAndKeepText(value, slot);
            return;
        }

        // The whole block goes into the buffer; only the field's bytes count, the rest is overwritten next.
        ref byte field = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_keptFields), slot * KeptFieldBytes);
        Unsafe.CopyBlockUnaligned(ref Room(KeptFieldBytes), ref field, KeptFieldBytes);
        _position += FieldLength + BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<int>(ref field));
    }

    /// <summary>
    /// The string's slot, from its address: a multiply and a shift, where <c>RuntimeHelpers.GetHashCode</c> was a call
    /// that reads the object's header (a fifth of a hit's instructions). The address is only a hint: the slot still
    /// holds the string itself and a hit is checked by identity, so a string that the GC moved misses once and takes
    /// the slot of its new address.
    /// </summary>
    private static int SlotOf(string value)
    {
        nuint address = Unsafe.As<string, nuint>(ref value);
        return (int)(((ulong)address * 0x9E3779B97F4A7C15UL) >> (64 - KeptStringSlotBits));
    }

    // Apart from the hit above, so that the hit, most rows' case, has no calls to save registers for but the hash.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteAndKeepText(string value, int slot)
    {
        // 28 characters are at least 28 bytes: longer strings never fit a slot.
        if (value.Length > KeptFieldBytes - FieldLength)
        {
            WriteText(value.AsSpan());
            return;
        }

        // Room first, so that the field lands in one piece at the position read here.
        Reserve(FieldLength + 3 * value.Length);
        int start = _position;
        WriteText(value.AsSpan());
        var field = _buffer.AsSpan(start, _position - start);
        if (field.Length <= KeptFieldBytes)
        {
            field.CopyTo(_keptFields.AsSpan(slot * KeptFieldBytes, KeptFieldBytes));
            _keptStrings[slot] = value;
        }
    }

    /// <summary>
    /// A value the row keeps as characters in a buffer of its own (the ids): narrowed eight characters a step with the
    /// length written once, instead of a call that narrows the value's last characters one by one.
    /// </summary>
    /// <remarks>
    /// The steps run to a multiple of eight characters, so the last one reads past the value into the rest of the
    /// row's buffer (the caller checks that the buffer is that long) and writes past the field into room reserved
    /// for it, which the next field overwrites. Only the value's own characters are checked for ASCII: the rest of the
    /// buffer holds whatever an earlier value left there. Anything else goes to <see cref="WriteText(ReadOnlySpan{char})"/>.
    /// </remarks>
    private void WriteKeptText(char[] chars, int length)
    {
        int rounded = (length + 7) & ~7;
        if (length == 0 || rounded > chars.Length || rounded > KeptTextSteps)
        {
            WriteText(chars.AsSpan(0, length));
            return;
        }

        ref byte field = ref Room(FieldLength + rounded);
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetArrayDataReference(chars));
        ref byte target = ref Unsafe.Add(ref field, FieldLength);
        var seen = Vector128<ushort>.Zero;
        int last = rounded - Vector128<ushort>.Count;
        for (int i = 0; i < last; i += Vector128<ushort>.Count)
        {
            var step = Vector128.LoadUnsafe(ref source, (nuint)i);
            seen |= step;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, i), Vector128.Narrow(step, step).AsUInt64().ToScalar());
        }

        var tail = Vector128.LoadUnsafe(ref source, (nuint)last) & Vector128.LessThan(Vector128<ushort>.Indices, Vector128.Create((ushort)(length - last)));
        seen |= tail;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, last), Vector128.Narrow(tail, tail).AsUInt64().ToScalar());
        if ((seen & Vector128.Create((ushort)0xFF80)) != Vector128<ushort>.Zero)
        {
            WriteText(chars.AsSpan(0, length));
            return;
        }

        WriteBigEndian(ref field, length);
        _position += FieldLength + length;
    }
}
