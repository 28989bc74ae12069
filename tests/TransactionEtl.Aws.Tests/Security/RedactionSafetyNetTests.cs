using System.Text.Json;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Security;

/// <summary>
/// The safety net behind "never log a secret": a value the secrets adapter has read (registered in
/// <see cref="SecretRedactor.Process"/>) that still reaches a log line of the bootstrap's logger or Lambda's error
/// document comes out masked. Regression: the bootstrap's former plain logger and <see cref="LambdaError"/>
/// passed project messages and log arguments through unredacted.
/// </summary>
public sealed partial class RedactionSafetyNetTests
{
    private static readonly JsonSerializerOptions ErrorJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Connecting as {User} failed")]
    private static partial void ConnectFailed(ILogger logger, string user, Exception exception);

    [Fact]
    public void A_registered_secret_is_masked_in_log_messages_fields_exceptions_and_error_documents()
    {
        // Unique per run: the registry is process-wide and must not mask other tests' text.
        var secret = "planted-" + Guid.NewGuid().ToString("N");
        SecretRedactor.Process.Register(secret);
        var scanner = new SecretScanner().Add("a secret read through the secrets adapter", secret);
        using var log = new StringWriter();
        using (var loggers = new JsonLoggerFactory(log, new LoggingOptions("f", LogLevel.Trace), SecretRedactor.Process, () => null))
        {
            var logger = loggers.CreateLogger("test");
            ConnectFailed(logger, "loader:" + secret, new TransactionEtlException("password " + secret + " refused"));
            ConnectFailed(logger, "loader", new InvalidOperationException("foreign message with " + secret));
        }
        var error = LambdaError.FromException(new TransactionEtlException("cannot connect with " + secret));

        Assert.Equal(2, log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        scanner.AssertClean("the bootstrap logger's lines", log.ToString());
        scanner.AssertClean("the Lambda error document", JsonSerializer.Serialize(error, ErrorJson));
        Assert.Contains(SecretRedactor.Mask, log.ToString());
        Assert.Equal("cannot connect with " + SecretRedactor.Mask, error.ErrorMessage);
    }
}
