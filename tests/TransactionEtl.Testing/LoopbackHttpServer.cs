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
/// A real HTTP server on 127.0.0.1 (HttpListener) for webhook and AWS-protocol tests: records every
/// request and answers with what the test's function returns for it (given the 1-based request number).
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<RecordedRequest, int, LoopbackResponse> _respond;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Task _loop;
    private int _count;

    /// <summary>Starts listening on a free loopback port.</summary>
    public LoopbackHttpServer(Func<RecordedRequest, int, LoopbackResponse> respond)
    {
        _respond = respond;
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                BaseUri = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseUri { get; } = null!;

    /// <summary>Requests received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            var request = new RecordedRequest(context.Request.HttpMethod, context.Request.RawUrl ?? "/", headers, body.ToArray());
            _requests.Enqueue(request);
            LoopbackResponse response;
            try
            {
                response = _respond(request, Interlocked.Increment(ref _count));
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
            context.Response.Close();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
