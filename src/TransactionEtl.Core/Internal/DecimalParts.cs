using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A decimal's fields, read in place: the flags (scale in bits 16-23, sign in bit 31), the upper 32 bits of the
/// 96-bit integer and its lower 64 bits, in the order of the OLE Automation DECIMAL that .NET's decimal is laid out as
/// (and marshals as, unchanged). <c>decimal.GetBits</c> gives the same through a four-int span, which the COPY writer
/// paid for four times a row and the tax step twice; DecimalPartsTests checks this reading against GetBits.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct DecimalParts
{
    public readonly int Flags;
    public readonly uint High;
    public readonly ulong Low;

    public static DecimalParts Of(decimal value) => Unsafe.As<decimal, DecimalParts>(ref value);
}
