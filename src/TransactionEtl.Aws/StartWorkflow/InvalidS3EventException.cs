using TransactionEtl.Core;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>The event is not an S3 notification StartWorkflow can act on (retrying will not change it).</summary>
internal sealed class InvalidS3EventException : TransactionEtlException
{
    /// <summary>Creates the exception; the message says which record and which field.</summary>
    public InvalidS3EventException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public InvalidS3EventException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public InvalidS3EventException() { }
}
