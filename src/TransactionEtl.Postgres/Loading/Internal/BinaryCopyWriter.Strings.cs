using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Strings that come back row after row as the same object, written from their encoded field instead of being
/// encoded again.
/// </summary>
/// <remarks>
/// The validator hands a file's repeated values (category, currency, country, a merchant, the tax rule's id) to every
/// row as one string object from its memo or the contract, so the object identifies its bytes: the field (length and
/// UTF-8) is kept once per string and copied as one 32-byte block. Keyed by identity, not text: no hash or compare
/// of characters, and a string never changes, so a kept field is always that string's. A direct-mapped table: a
/// string whose slot another holds is encoded as before and takes the slot.
/// </remarks>
internal sealed partial class BinaryCopyWriter
{
    private const int KeptStringSlots = 1024; // a power of two
    private const int KeptFieldBytes = 32; // the length prefix and up to 28 bytes of UTF-8

    private readonly string?[] _keptStrings = new string?[KeptStringSlots];
    private readonly byte[] _keptFields = new byte[KeptStringSlots * KeptFieldBytes];

    /// <summary>A text value held by a string that may come back on later rows.</summary>
    private void WriteRepeatedText(string value)
    {
        // 28 characters are at least 28 bytes: longer strings never fit a slot.
        if (value.Length > KeptFieldBytes - FieldLength)
        {
            WriteText(value.AsSpan());
            return;
        }

        int slot = RuntimeHelpers.GetHashCode(value) & (KeptStringSlots - 1);
        var kept = _keptFields.AsSpan(slot * KeptFieldBytes, KeptFieldBytes);
        if (ReferenceEquals(_keptStrings[slot], value))
        {
            // The whole block goes into the buffer; only the field's bytes count, the rest is overwritten next.
            Reserve(KeptFieldBytes);
            var target = _buffer.AsSpan(_position, KeptFieldBytes);
            Unsafe.CopyBlockUnaligned(ref MemoryMarshal.GetReference(target), ref MemoryMarshal.GetReference(kept), KeptFieldBytes);
            _position += FieldLength + BinaryPrimitives.ReadInt32BigEndian(kept);
            return;
        }

        // Room first, so that the field lands in one piece at the position read here.
        Reserve(FieldLength + 3 * value.Length);
        int start = _position;
        WriteText(value.AsSpan());
        var field = _buffer.AsSpan(start, _position - start);
        if (field.Length <= KeptFieldBytes)
        {
            field.CopyTo(kept);
            _keptStrings[slot] = value;
        }
    }
}
