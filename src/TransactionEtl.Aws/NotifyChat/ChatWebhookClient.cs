using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;

namespace TransactionEtl.Aws.NotifyChat;

/// <summary>
/// Posts one JSON payload to one webhook. 429 and 5xx responses and network errors are retried with
/// exponential backoff and jitter, waiting what <c>Retry-After</c> asks when the server says; a
/// Retry-After longer than <see cref="NotifyChatOptions.MaxRetryDelay"/> fails at once (SNS retries
/// later, without holding the function). Other 4xx fail at once: a wrong URL does not get better.
/// </summary>
internal sealed class ChatWebhookClient
{
    private readonly HttpClient _http;
    private readonly NotifyChatOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _baseDelay;

    /// <summary>Creates the client.</summary>
    /// <param name="http">Shared per container.</param>
    /// <param name="options">Attempts and the longest honoured Retry-After.</param>
    /// <param name="logger">Retry and failure lines (never the URL).</param>
    /// <param name="timeProvider">Clock for Retry-After dates and Polly's delays.</param>
    /// <param name="baseDelay">First backoff delay when the server gives no Retry-After (default 1 s).</param>
    public ChatWebhookClient(HttpClient http, NotifyChatOptions options, ILogger logger, TimeProvider? timeProvider = null, TimeSpan? baseDelay = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options;
        _logger = logger;
        _clock = timeProvider ?? TimeProvider.System;
        _baseDelay = baseDelay ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>Posts <paramref name="payload"/> and returns the success status code.</summary>
    /// <param name="channel">"Slack" or "Teams": named in logs and errors instead of the URL.</param>
    /// <param name="webhook">The webhook URL (from the secret).</param>
    /// <param name="payload">UTF-8 JSON body.</param>
    /// <param name="cancellationToken">Cancels the attempts and the waits.</param>
    /// <exception cref="ChatDeliveryException">No 2xx after the attempts, or a non-retryable answer.</exception>
    public async Task<int> PostAsync(string channel, Uri webhook, byte[] payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(payload);
        var pipeline = BuildPipeline(channel);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        using var content = new ByteArrayContent(state.Payload);
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                        var response = await state.Http.PostAsync(state.Webhook, content, ctx.CancellationToken);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ctx.CancellationToken.IsCancellationRequested))
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
            context,
            (Http: _http, Webhook: webhook, Payload: payload));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
        cancellationToken.ThrowIfCancellationRequested();

        if (outcome.Exception is { } ex)
        {
            var reason = ex is HttpRequestException h ? $"{h.HttpRequestError} ({nameof(HttpRequestException)})" : "timed out";
            _logger.ChatFailed(channel, reason);
            throw new ChatDeliveryException($"{channel} message not delivered after {_options.MaxAttempts} attempt(s): {reason}.", isTransient: true);
        }
        using var final = outcome.Result!;
        var status = (int)final.StatusCode;
        if (final.IsSuccessStatusCode)
        {
            _logger.ChatPosted(channel, status);
            return status;
        }
        var retryable = IsRetryable(final.StatusCode);
        var hint = final.StatusCode switch
        {
            HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized =>
                "the webhook was removed or the URL in the chat secret is wrong",
            HttpStatusCode.BadRequest => "the webhook refused the payload",
            _ when retryable => "the service is throttling or failing; SNS will redeliver",
            _ => "see the chat service's status",
        };
        var reasonText = $"HTTP {status} {final.ReasonPhrase}";
        _logger.ChatFailed(channel, reasonText);
        throw new ChatDeliveryException($"{channel} message not delivered: {reasonText}; {hint}.", isTransient: retryable);
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(string channel)
    {
        if (_options.MaxAttempts <= 1)
        {
            return ResiliencePipeline<HttpResponseMessage>.Empty;
        }
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _clock }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _baseDelay,
                MaxDelay = _options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TaskCanceledException } => true,
                    { Result: { } r } => IsRetryable(r.StatusCode) && !(RetryAfter(r) > _options.MaxRetryDelay),
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } r ? RetryAfter(r) : null),
                OnRetry = args =>
                {
                    var what = args.Outcome.Result is { } r
                        ? $"HTTP {(int)r.StatusCode}"
                        : args.Outcome.Exception is HttpRequestException h ? h.HttpRequestError.ToString() : "timeout";
                    _logger.ChatRetry(channel, what, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private static bool IsRetryable(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>Retry-After as a delay: delta-seconds or an HTTP date (RFC 9110 10.2.3).</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - _clock.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        // Some gateways send a fractional or otherwise odd value the typed header rejects.
        if (response.Headers.TryGetValues("Retry-After", out var raw)
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        return null;
    }
}
