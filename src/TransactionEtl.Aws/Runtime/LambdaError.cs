using System.Diagnostics;
using System.Text.Json.Serialization;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.Runtime;

/// <summary>
/// Lambda's error document (<c>errorType</c>, <c>errorMessage</c>, <c>stackTrace</c>). The state machine's
/// <c>Retry</c> matches only the fixed <see cref="TransientErrorType"/>; other failures are named after the
/// project exception's class (see <see cref="ErrorTypeOf"/>), so renaming such a class renames its error type
/// for anyone matching on it, and a foreign exception is always <see cref="GenericErrorType"/>.
/// </summary>
public sealed class LambdaError
{
    /// <summary>The error type of failures that a retry may cure (the state machine retries only this).</summary>
    public const string TransientErrorType = "TransactionEtl.TransientError";

    /// <summary>The error type of every failure that has no more specific name.</summary>
    public const string GenericErrorType = "TransactionEtl.Error";

    /// <summary>Creates an error document.</summary>
    [JsonConstructor]
    public LambdaError(string errorType, string errorMessage, IReadOnlyList<string>? stackTrace = null)
    {
        ErrorType = errorType;
        ErrorMessage = errorMessage;
        StackTrace = stackTrace ?? [];
    }

    /// <summary>Stable error name, also sent as header Lambda-Runtime-Function-Error-Type.</summary>
    [JsonPropertyName("errorType")]
    public string ErrorType { get; }

    /// <summary>What went wrong and what to do; never holds a secret.</summary>
    [JsonPropertyName("errorMessage")]
    public string ErrorMessage { get; }

    /// <summary>Method frames only (no file paths or argument values).</summary>
    [JsonPropertyName("stackTrace")]
    public IReadOnlyList<string> StackTrace { get; }

    /// <summary>
    /// Maps an exception to its stable error document. Project exceptions
    /// (<see cref="TransactionEtlException"/>) carry messages written to be shown, so they are passed on;
    /// a foreign exception's message is not under our control (an HttpRequestException can quote a webhook
    /// URL, which is a secret), so only its type name is shown and the details stay in the function log.
    /// </summary>
    public static LambdaError FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var frames = Frames(exception);
        if (exception is TransactionEtlException etl)
        {
            // The document goes to Step Functions, SNS and the chat channel: mask any secret the process read.
            return new LambdaError(ErrorTypeOf(etl), Observability.SecretRedactor.Process.Redact(etl.Message), frames);
        }
        return new LambdaError(
            GenericErrorType,
            $"Unexpected {exception.GetType().Name}; the function log (same request id) has the details.",
            frames);
    }

    /// <summary>
    /// Transient project exceptions map to <see cref="TransientErrorType"/>; other subclasses to
    /// <c>TransactionEtl.&lt;Name&gt;Error</c> (ValidationException becomes TransactionEtl.ValidationError);
    /// the root class itself to <see cref="GenericErrorType"/>.
    /// </summary>
    public static string ErrorTypeOf(TransactionEtlException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.IsTransient)
        {
            return TransientErrorType;
        }
        var type = exception.GetType();
        if (type == typeof(TransactionEtlException))
        {
            return GenericErrorType;
        }
        var name = type.Name;
        foreach (var suffix in (ReadOnlySpan<string>)["Exception", "Error"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
            {
                name = name[..^suffix.Length];
                break;
            }
        }
        return "TransactionEtl." + name + "Error";
    }

    private static List<string> Frames(Exception exception)
    {
        var frames = new List<string>();
        // Under Native AOT method metadata may be stripped; a frame without a method is simply skipped.
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: false).GetFrames())
        {
            var method = DiagnosticMethodInfo.Create(frame);
            if (method is not null)
            {
                frames.Add($"at {method.DeclaringTypeName}.{method.Name}");
            }
        }
        return frames;
    }
}
