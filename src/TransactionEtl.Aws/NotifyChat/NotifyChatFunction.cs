using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.Secrets;

namespace TransactionEtl.Aws.NotifyChat;

/// <summary>Builds the notify-chat function from its configuration (once per container).</summary>
internal static class NotifyChatFunction
{
    // One connection pool per container; recycled so DNS changes of the webhook hosts are seen.
    private static readonly Lazy<HttpClient> Http = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    });

    /// <summary>
    /// Reads <c>TXETL_CHAT_SECRET_ID</c> and the retry settings, and the Secrets Manager endpoint (SDK conventions).
    /// The secret itself is read on the first event, so a rotation between deployments is picked up.
    /// </summary>
    public static ValueTask<LambdaHandler> CreateAsync(LambdaFunctionServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = NotifyChatOptions.FromEnvironment(services.GetEnvironmentVariable);
        var logger = services.LoggerFactory.CreateLogger("TransactionEtl.NotifyChat");
        var reader = SecretReader.Create(options.Endpoints, null, services.TimeProvider, logger);
        var webhooks = new CachedSecret<ChatWebhookSecret>(reader, options.ChatSecretId, ChatWebhookSecret.Parse, logger);
        var client = new ChatWebhookClient(Http.Value, options, logger, services.TimeProvider);
        var handler = new NotifyChatHandler(webhooks, client, logger);
        return ValueTask.FromResult<LambdaHandler>((input, _, ct) => handler.HandleAsync(input, ct));
    }
}
