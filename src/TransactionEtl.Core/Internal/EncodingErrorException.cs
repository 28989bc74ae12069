namespace TransactionEtl.Core.Internal;

/// <summary>Raised inside the read pipeline at the first byte that is not valid UTF-8; becomes <c>encoding-error</c>.</summary>
internal sealed class EncodingErrorException : TransactionEtlException
{
    public EncodingErrorException(long offset, long line, string detail, byte[]? context = null)
        : base($"byte offset {offset} (line {line}) is not valid UTF-8: {detail}; save the file as UTF-8 (or name its encoding in the contract's dialect.encoding)")
    {
        Offset = offset;
        Line = line;
        Context = context ?? [];
    }

    public EncodingErrorException() { }

    public EncodingErrorException(string message) : base(message) { }

    public EncodingErrorException(string message, Exception? innerException) : base(message, innerException) { }

    public long Offset { get; }

    public long Line { get; }

    /// <summary>Up to 64 bytes either side of the bad byte (from its line's start): what the likely encoding is read from.</summary>
    public byte[] Context { get; } = [];
}
