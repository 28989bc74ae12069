namespace TransactionEtl.Core.Internal;

/// <summary>
/// Thrown from a read of compressed input when the file-level error <see cref="Code"/> applies (a decompression
/// limit, corrupt compressed data); <see cref="FileRun"/> turns it into the file's error.
/// </summary>
internal sealed class DecompressionException : Exception
{
    public DecompressionException(string code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    /// <summary>One of <see cref="FileErrorCodes"/>.</summary>
    public string Code { get; }
}
