using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using TransactionEtl.Aws.Signing;
using TransactionEtl.Aws.StepFunctions.Internal;

namespace TransactionEtl.Aws.StepFunctions;

/// <summary>
/// Step Functions <c>StartExecution</c> over AWS JSON 1.0 with our own SigV4 signer (AWSSDK.StepFunctions
/// is not available here). An execution that already exists counts as started: S3 delivers events at
/// least once, and the execution name is derived from the object, so a duplicate start is a duplicate
/// delivery. Throttling, 5xx and broken connections are retried with exponential backoff and full jitter.
/// </summary>
internal sealed class StepFunctionsClient
{
    private const string SigningService = "states";
    private const string Target = "AWSStepFunctions.StartExecution";
    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.0");

    private readonly HttpClient _http;
    private readonly StepFunctionsClientOptions _options;
    private readonly AWSCredentials _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _retry;

    /// <summary>Creates a client. <paramref name="http"/> is caller-owned and may be shared.</summary>
    public StepFunctionsClient(HttpClient http, StepFunctionsClientOptions options, AWSCredentials credentials, TimeProvider timeProvider, ILogger<StepFunctionsClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options;
        _credentials = credentials;
        _timeProvider = timeProvider;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<StepFunctionsException>(static e => e.IsTransient),
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                DelayGenerator = args => new ValueTask<TimeSpan?>(FullJitter(args.AttemptNumber)),
                OnRetry = args =>
                {
                    var error = args.Outcome.Exception as StepFunctionsException;
                    StepFunctionsLog.Retrying(_logger, error?.ErrorCode ?? "error", error?.StatusCode ?? 0, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Starts an execution; an existing execution of the same name is reported, not an error.</summary>
    /// <exception cref="StepFunctionsException">Rejected request, or still throttled/failing after the retries (transient).</exception>
    public async Task<StartExecutionResult> StartExecutionAsync(StartExecutionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, StepFunctionsJsonContext.Default.StartExecutionRequest);
        return await _retry.ExecuteAsync(
            static (state, ct) => state.Client.AttemptAsync(state.Request, state.Body, ct),
            (Client: this, Request: request, Body: body),
            cancellationToken);
    }

    private async ValueTask<StartExecutionResult> AttemptAsync(StartExecutionRequest request, byte[] body, CancellationToken cancellationToken)
    {
        // Fetched per attempt: the SDK's providers cache and refresh temporary credentials themselves.
        var credentials = await _credentials.GetCredentialsAsync();
        using var message = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", Target);
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = AmzJson;
        SigV4Signer.SignHttpRequest(message, body, credentials, _options.Region, SigningService, _timeProvider.GetUtcNow());

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_options.AttemptTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, attempt.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new StepFunctionsException(
                $"StartExecution {request.Name}: could not reach Step Functions at {_options.Endpoint.Host} ({ex.HttpRequestError}).",
                ex.HttpRequestError.ToString(), null, transient: true, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StepFunctionsException(
                $"StartExecution {request.Name}: no answer from Step Functions within {_options.AttemptTimeout.TotalSeconds:0} s.",
                "Timeout", null, transient: true, ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var ok = JsonSerializer.Deserialize(text, StepFunctionsJsonContext.Default.StartExecutionResponse);
                return new StartExecutionResult(ok?.ExecutionArn ?? ExecutionArnOf(request), alreadyExisted: false);
            }

            var (code, awsMessage) = ParseError(response, text);
            if (code == "ExecutionAlreadyExists")
            {
                StepFunctionsLog.AlreadyExists(_logger, request.Name);
                return new StartExecutionResult(ExecutionArnOf(request), alreadyExisted: true);
            }
            var status = (int)response.StatusCode;
            var transient = response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500 || IsThrottling(code);
            throw new StepFunctionsException(
                $"StartExecution {request.Name} failed with {code ?? "HTTP " + status.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {awsMessage}" +
                (transient ? " (still failing after retries; Lambda will retry the event)" : " (check the state machine ARN and the function's IAM role)"),
                code, status, transient);
        }
    }

    private TimeSpan FullJitter(int attemptNumber)
    {
        var ceiling = Math.Min(_options.MaxDelay.TotalMilliseconds, _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attemptNumber));
        // Jitter spreads retries of many concurrent invocations; it is not security-relevant.
#pragma warning disable CA5394
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
#pragma warning restore CA5394
    }

    private static bool IsThrottling(string? code) => code is "ThrottlingException" or "Throttling" or "TooManyRequestsException"
        or "RequestLimitExceeded" or "ServiceUnavailable" or "InternalServerError" or "InternalFailure";

    private static (string? Code, string Message) ParseError(HttpResponseMessage response, string body)
    {
        string? type = null;
        string? message = null;
        try
        {
            var error = JsonSerializer.Deserialize(body, StepFunctionsJsonContext.Default.AwsJsonError);
            type = error?.Type;
            message = error?.Message ?? error?.MessageUpper;
        }
        catch (JsonException)
        {
            // Proxies and load balancers answer with HTML; the status code still tells what happened.
        }
        if (type is null && response.Headers.TryGetValues("x-amzn-ErrorType", out var values))
        {
            type = values.FirstOrDefault();
        }
        return (ErrorCode(type), message ?? response.ReasonPhrase ?? "no message");
    }

    /// <summary><c>com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists</c> or <c>Code:http://...</c> to <c>Code</c>.</summary>
    internal static string? ErrorCode(string? type)
    {
        if (string.IsNullOrEmpty(type))
        {
            return null;
        }
        var hash = type.LastIndexOf('#');
        var code = hash >= 0 ? type[(hash + 1)..] : type;
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? code[..colon] : code;
    }

    /// <summary>arn:aws:states:r:a:stateMachine:sm + name to arn:aws:states:r:a:execution:sm:name.</summary>
    internal static string ExecutionArnOf(StartExecutionRequest request) =>
        request.StateMachineArn.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":" + request.Name;
}
