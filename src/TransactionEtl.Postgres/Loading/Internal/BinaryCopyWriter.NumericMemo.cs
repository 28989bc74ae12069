using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TransactionEtl.Core;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Numeric columns whose values come back row after row (a tax rate: a few values a file), written from the field
/// kept for the value instead of being encoded again.
/// </summary>
/// <remarks>
/// A column's memo maps a decimal's 128 bits to its numeric field (at most 28 bytes: the length, the header and up to
/// eight groups), 64 entries direct-mapped. The bits, not the value: 1.5 and 1.50 are different fields (the display
/// scale), and each is kept as its own. A column whose values rarely repeat (an amount) stops looking after its first
/// <see cref="NumericMemoTrial"/> values, so it pays the lookup only that long; either way the bytes are
/// <see cref="WriteNumeric(decimal)"/>'s.
/// </remarks>
internal sealed partial class BinaryCopyWriter
{
    private const int NumericMemoSlotBits = 6;
    private const int NumericMemoTrial = 1024;
    // A block that holds the largest numeric field: the length, the 8-byte header and eight base-10000 groups (a
    // 96-bit mantissa), 28 bytes.
    private const int NumericFieldBytes = 32;

    // By column, made on the first row: a memo for each numeric column, null for the others and for a column whose
    // values did not repeat, which WriteRow then writes with WriteNumeric alone.
    private NumericMemo?[] _numericMemos = [];

    private void StartNumericMemos(ColumnType[] types)
    {
        _numericMemos = new NumericMemo?[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            _numericMemos[i] = types[i] == ColumnType.Numeric ? new NumericMemo() : null;
        }
    }

    /// <summary>A numeric column's value, through the column's memo.</summary>
    private void WriteNumeric(NumericMemo memo, in decimal value, int column)
    {
        var parts = Unsafe.As<decimal, DecimalParts>(ref Unsafe.AsRef(in value));
        ulong head = ((ulong)parts.High << 32) | (uint)parts.Flags;
        int slot = (int)(((parts.Low ^ head) * 0x9E3779B97F4A7C15UL) >> (64 - NumericMemoSlotBits));
        ref var entry = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(memo.Entries), slot);
        if (entry.Head == head && entry.Low == parts.Low)
        {
            memo.Hits++;
            // The whole block goes into the buffer; only the field's bytes count, the rest is overwritten next.
            Unsafe.CopyBlockUnaligned(ref Room(NumericFieldBytes), ref entry.Field[0], NumericFieldBytes);
            _position += entry.Length;
        }
        else
        {
            WriteAndKeepNumeric(value, ref entry, head, parts.Low);
        }

        if (++memo.Lookups == NumericMemoTrial && memo.Hits < NumericMemoTrial / 2)
        {
            _numericMemos[column] = null;
        }
    }

    // Apart from the hit above, so that the hit has no calls to save registers for.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteAndKeepNumeric(decimal value, ref NumericEntry entry, ulong head, ulong low)
    {
        // Room first, so that the field lands in one piece at the position read here, with a whole block after it.
        ref byte field = ref Room(NumericFieldBytes);
        int start = _position;
        WriteNumeric(value);
        Unsafe.CopyBlockUnaligned(ref entry.Field[0], ref field, NumericFieldBytes);
        entry.Length = _position - start;
        entry.Head = head;
        entry.Low = low;
    }

    private sealed class NumericMemo
    {
        public readonly NumericEntry[] Entries = NewEntries();
        public int Lookups;
        public int Hits;

        // No decimal has bits 0-15 of its flags set, so an empty entry's head never matches.
        private static NumericEntry[] NewEntries()
        {
            var entries = new NumericEntry[1 << NumericMemoSlotBits];
            foreach (ref var entry in entries.AsSpan())
            {
                entry.Head = ulong.MaxValue;
            }

            return entries;
        }
    }

    private struct NumericEntry
    {
        public ulong Head; // the decimal's flags and upper 32 bits of its mantissa
        public ulong Low;
        public int Length;
        public NumericField Field;
    }

    [InlineArray(NumericFieldBytes)]
    private struct NumericField
    {
        private byte _first;
    }
}
