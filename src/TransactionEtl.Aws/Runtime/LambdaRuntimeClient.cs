using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Runtime.Internal;

namespace TransactionEtl.Aws.Runtime;

/// <summary>
/// Client of the Lambda Runtime API (the documented HTTP protocol at <c>$AWS_LAMBDA_RUNTIME_API</c>):
/// <c>next</c>, <c>response</c>, <c>error</c> and <c>init/error</c>. Written here because the
/// Amazon.Lambda.RuntimeSupport package is not available to this project; the protocol is small.
/// </summary>
public sealed class LambdaRuntimeClient : IDisposable
{
    private const string ApiVersion = "2018-06-01";
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates a client for <paramref name="runtimeApi"/> (host:port, as Lambda sets it).</summary>
    public LambdaRuntimeClient(string runtimeApi)
        : this(runtimeApi, new HttpClient(new SocketsHttpHandler { UseProxy = false }), ownsHttp: true)
    {
    }

    /// <summary>Creates a client over a caller-owned <paramref name="http"/>.</summary>
    public LambdaRuntimeClient(string runtimeApi, HttpClient http) : this(runtimeApi, http, ownsHttp: false)
    {
    }

    private LambdaRuntimeClient(string runtimeApi, HttpClient http, bool ownsHttp)
    {
        ArgumentException.ThrowIfNullOrEmpty(runtimeApi);
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _ownsHttp = ownsHttp;
        _http.BaseAddress = new Uri($"http://{runtimeApi}/{ApiVersion}/runtime/");
        // /next blocks until an event arrives, which can be minutes or hours in a warm container.
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>Creates a client from <c>$AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public static LambdaRuntimeClient FromEnvironment()
    {
        var api = Environment.GetEnvironmentVariable(EnvironmentVariables.RuntimeApi);
        if (string.IsNullOrEmpty(api))
        {
            throw new ConfigurationException(
                $"{EnvironmentVariables.RuntimeApi} is not set: the bootstrap runs inside Lambda (or a runtime emulator) only; " +
                "use `txetl lambda invoke` to run a handler locally.");
        }
        return new LambdaRuntimeClient(api);
    }

    /// <summary>Waits for the next event (<c>GET invocation/next</c>); blocks as long as Lambda has none.</summary>
    internal async Task<LambdaInvocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("invocation/next", HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureAcceptedAsync(response, "invocation/next", cancellationToken);
        var headers = response.Headers;
        var requestId = Single(headers, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new InvalidOperationException("The Runtime API sent an event without Lambda-Runtime-Aws-Request-Id.");
        var deadlineText = Single(headers, "Lambda-Runtime-Deadline-Ms");
        var deadline = long.TryParse(deadlineText, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MaxValue;
        var context = new LambdaContext(
            requestId,
            deadline,
            Single(headers, "Lambda-Runtime-Invoked-Function-Arn"),
            Single(headers, "Lambda-Runtime-Trace-Id"));
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new LambdaInvocation(context, body);
    }

    /// <summary>Reports the handler's result (<c>POST invocation/{id}/response</c>).</summary>
    internal async Task SendResponseAsync(string requestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        using var content = new ReadOnlyMemoryContent(response);
        content.Headers.ContentType = Json;
        var path = $"invocation/{Uri.EscapeDataString(requestId)}/response";
        using var reply = await _http.PostAsync(path, content, cancellationToken);
        await EnsureAcceptedAsync(reply, path, cancellationToken);
    }

    /// <summary>Reports a failed invocation (<c>POST invocation/{id}/error</c>).</summary>
    internal Task SendErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return PostErrorAsync($"invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);
    }

    /// <summary>Reports that the function could not initialize (<c>POST init/error</c>); Lambda then stops the process.</summary>
    internal Task SendInitErrorAsync(LambdaError error, CancellationToken cancellationToken) =>
        PostErrorAsync("init/error", error, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task PostErrorAsync(string path, LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var json = JsonSerializer.SerializeToUtf8Bytes(error, RuntimeJsonContext.Default.LambdaError);
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, error.ErrorType);
        using var reply = await _http.SendAsync(request, cancellationToken);
        await EnsureAcceptedAsync(reply, path, cancellationToken);
    }

    private static string? Single(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static async Task EnsureAcceptedAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        // The Runtime API's error bodies ({"errorMessage","errorType"}) describe protocol misuse, not user data.
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new InvalidOperationException(
            $"The Lambda Runtime API answered {(int)response.StatusCode} to {path}: {Truncate(body, 500)}");
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "...";
}
