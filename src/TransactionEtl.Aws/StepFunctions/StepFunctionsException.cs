using TransactionEtl.Core;

namespace TransactionEtl.Aws.StepFunctions;

/// <summary>
/// A Step Functions call failed. Transient when throttled, on 5xx or a broken connection after the
/// client's own retries, so that Lambda's asynchronous retries take over; otherwise a request problem
/// (wrong ARN, missing permission) that no retry cures.
/// </summary>
internal sealed class StepFunctionsException : TransactionEtlException
{
    private readonly bool _transient;

    /// <summary>Creates the exception.</summary>
    public StepFunctionsException(string message, string? errorCode, int? statusCode, bool transient, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
        _transient = transient;
    }

    /// <summary>Creates the exception.</summary>
    public StepFunctionsException() : this("Step Functions call failed.", null, null, transient: false) { }

    /// <summary>Creates the exception.</summary>
    public StepFunctionsException(string message) : this(message, null, null, transient: false) { }

    /// <summary>Creates the exception.</summary>
    public StepFunctionsException(string message, Exception? innerException) : this(message, null, null, transient: false, innerException) { }

    /// <summary>AWS error code such as ThrottlingException or StateMachineDoesNotExist.</summary>
    public string? ErrorCode { get; }

    /// <summary>HTTP status, when there was a response.</summary>
    public int? StatusCode { get; }

    /// <inheritdoc />
    public override bool IsTransient => _transient;
}
