using System.Collections.Concurrent;
using System.Net;

namespace TransactionEtl.Testing;

/// <summary>One request as the loopback server received it.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="PathAndQuery">Raw path and query.</param>
/// <param name="Headers">Request headers (first value of each).</param>
/// <param name="Body">The body bytes.</param>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>What the loopback server answers.</summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="Body">Body text (UTF-8).</param>
/// <param name="Headers">Extra response headers.</param>
public sealed record LoopbackResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) for webhook and AWS-protocol tests. Either it records every
/// request and answers with what the test's function returns for it (given the 1-based request number), or
/// it hands each raw <see cref="HttpListenerContext"/> to the test (the Lambda Runtime API's long-polling
/// <c>/next</c>, streamed bodies). Each request is served on its own task, so one that blocks holds up no other.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Func<RecordedRequest, int, LoopbackResponse>? _respond;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _count;
    private int _disposed;

    /// <summary>Starts a recording server on a free loopback port.</summary>
    public LoopbackHttpServer(Func<RecordedRequest, int, LoopbackResponse> respond)
        : this(null, respond ?? throw new ArgumentNullException(nameof(respond)))
    {
    }

    /// <summary>Starts a server on a free loopback port that hands every request to <paramref name="handle"/>.</summary>
    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
        : this(handle ?? throw new ArgumentNullException(nameof(handle)), null)
    {
    }

    private LoopbackHttpServer(Func<HttpListenerContext, Task>? handle, Func<RecordedRequest, int, LoopbackResponse>? respond)
    {
        _respond = respond;
        _handle = handle ?? RecordAndRespondAsync;
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>host:port, the form of AWS_LAMBDA_RUNTIME_API.</summary>
    public string HostPort => $"127.0.0.1:{Port}";

    /// <summary>Requests received so far, in order (recording mode).</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Reads a request's whole body.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpListenerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>Writes a complete response: status, content type and a UTF-8 body with its length.</summary>
    public static async Task WriteAsync(HttpListenerResponse response, int status, string body, string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = status;
        response.ContentType = contentType;
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                // The wait ends on _stop too: the managed listener checks that it is started before it takes the lock
                // under which Close completes the waiting calls, so a Close between the two leaves that wait pending
                // for ever (LoopbackHttpServerTests).
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            await _handle(context);
        }
        catch (Exception ex)
        {
            try
            {
                await WriteAsync(context.Response, 599, "loopback server handler failed: " + ex, "text/plain");
            }
            catch (Exception)
            {
                // The client went away; nothing to report to.
            }
        }
        finally
        {
            try
            {
                context.Response.Close();
            }
            catch (Exception)
            {
                // Already closed by the handler or the client.
            }
        }
    }

    private async Task RecordAndRespondAsync(HttpListenerContext context)
    {
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
            .ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.HttpMethod, context.Request.RawUrl ?? "/", headers, await ReadBodyAsync(context.Request));
        _requests.Enqueue(request);
        LoopbackResponse response;
        try
        {
            response = _respond!(request, Interlocked.Increment(ref _count));
        }
        catch (Exception ex)
        {
            response = new LoopbackResponse(599, ex.ToString());
        }
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.ContentType = value;
            }
            else
            {
                context.Response.Headers[name] = value;
            }
        }
        var bytes = System.Text.Encoding.UTF8.GetBytes(response.Body);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Close alone, not Stop then Close: on Linux, Stop already unbinds the port, and Close then looks the
        // port's listener up again, binds the port anew to do so, and throws "Address already in use" when another
        // test took the port in between (seen once in a full run on a loaded machine).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }
}
