using System.Net;
using System.Net.Sockets;

namespace TransactionEtl.Aws.Tests.Loopback;

/// <summary>A real HTTP server on 127.0.0.1 (HttpListener) that hands each request to a test-defined handler.</summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
    {
        _handle = handle;
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                ((IDisposable)_listener).Dispose();
            }
        }
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>host:port, the form of AWS_LAMBDA_RUNTIME_API.</summary>
    public string HostPort => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            // Each request on its own task: /next may block for a long time while others proceed.
            _ = Task.Run(async () =>
            {
                try
                {
                    await _handle(context);
                }
                catch (Exception ex)
                {
                    try
                    {
                        context.Response.StatusCode = 599;
                        var bytes = System.Text.Encoding.UTF8.GetBytes("loopback server handler failed: " + ex);
                        await context.Response.OutputStream.WriteAsync(bytes);
                    }
                    catch (Exception)
                    {
                        // The client went away; nothing to report to.
                    }
                }
                finally
                {
                    try { context.Response.Close(); } catch (Exception) { }
                }
            });
        }
    }

    public static async Task<byte[]> ReadBodyAsync(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public static async Task WriteAsync(HttpListenerResponse response, int status, string body, string contentType = "application/json")
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _loop; } catch (Exception) { }
        _listener.Close();
        _stop.Dispose();
    }
}
