using TransactionEtl.Aws.Configuration.Internal;

namespace TransactionEtl.Aws.Configuration;

/// <summary>Settings of the notify-chat function, validated once at start. Webhook URLs are not here: they live in a secret.</summary>
internal sealed class NotifyChatOptions
{
    /// <summary>Default attempts per webhook post, first try included.</summary>
    public const int DefaultMaxAttempts = 4;

    /// <summary>Default longest Retry-After honoured in-process.</summary>
    public const int DefaultMaxRetryDelaySeconds = 20;

    /// <summary>Creates options directly (tests, local invoke).</summary>
    public NotifyChatOptions(string chatSecretId, int maxAttempts = DefaultMaxAttempts, TimeSpan? maxRetryDelay = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chatSecretId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ChatSecretId = chatSecretId;
        MaxAttempts = maxAttempts;
        MaxRetryDelay = maxRetryDelay ?? TimeSpan.FromSeconds(DefaultMaxRetryDelaySeconds);
    }

    /// <summary>Secret id of the webhook secret.</summary>
    public string ChatSecretId { get; }

    /// <summary>Attempts per webhook post before the function fails so that SNS retries.</summary>
    public int MaxAttempts { get; }

    /// <summary>Longest wait honoured from a Retry-After header; longer ones fail at once.</summary>
    public TimeSpan MaxRetryDelay { get; }

    /// <summary>The Secrets Manager endpoint and the region (SDK conventions); the real AWS endpoints unless set.</summary>
    public AwsServiceEndpoints Endpoints { get; init; } = AwsServiceEndpoints.Aws;

    /// <summary>Reads and validates the notify-chat settings.</summary>
    /// <param name="lookup">Environment lookup; defaults to the process environment.</param>
    public static NotifyChatOptions FromEnvironment(Func<string, string?>? lookup = null)
    {
        var reader = new SettingsReader(lookup ?? Environment.GetEnvironmentVariable);
        var secretId = reader.Required(EnvironmentVariables.ChatSecretId, "set it to the secret holding slack_webhook_url and/or teams_webhook_url");
        var attempts = reader.Int(EnvironmentVariables.ChatMaxAttempts, DefaultMaxAttempts, 1, 10);
        var delay = reader.Int(EnvironmentVariables.ChatMaxRetryDelaySeconds, DefaultMaxRetryDelaySeconds, 0, 300);
        var endpoints = AwsServiceEndpoints.Read(reader);
        reader.ThrowIfInvalid("notify-chat");
        return new NotifyChatOptions(secretId, attempts, TimeSpan.FromSeconds(delay)) { Endpoints = endpoints };
    }
}
