using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Loopback;

/// <summary>
/// The Lambda Runtime API on loopback, following the documented protocol: /next hands out queued events
/// (blocking while none is queued), /response, /error and /init/error are recorded for the test to read.
/// </summary>
public sealed class LoopbackRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";
    private readonly Channel<QueuedEvent> _events = Channel.CreateUnbounded<QueuedEvent>();
    private readonly Channel<RuntimeReport> _reports = Channel.CreateUnbounded<RuntimeReport>();
    private readonly ConcurrentDictionary<string, bool> _outstanding = new();
    private readonly LoopbackHttpServer _server;
    private int _nextRequests;

    public LoopbackRuntimeApi()
    {
        _server = new LoopbackHttpServer(HandleAsync);
    }

    /// <summary>Value for AWS_LAMBDA_RUNTIME_API.</summary>
    public string HostPort => _server.HostPort;

    /// <summary>How many /next requests have arrived (including ones still waiting).</summary>
    public int NextRequests => Volatile.Read(ref _nextRequests);

    /// <summary>Signalled when the first /next arrives (the cold start measurement in the e2e test).</summary>
    public TaskCompletionSource<DateTimeOffset> FirstNext { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Enqueue(string requestId, string body, DateTimeOffset? deadline = null, string? traceId = null, string? functionArn = null) =>
        _events.Writer.TryWrite(new QueuedEvent(requestId, body, deadline ?? DateTimeOffset.UtcNow.AddMinutes(5), traceId, functionArn));

    /// <summary>The next response, error or init error that the runtime posted.</summary>
    public async Task<RuntimeReport> NextReportAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await _reports.Reader.ReadAsync(cts.Token);
    }

    public bool TryReadReport(out RuntimeReport? report) => _reports.Reader.TryRead(out report);

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await LoopbackHttpServer.WriteAsync(context.Response, 404, """{"errorType":"NotFound","errorMessage":"unknown path"}""");
            return;
        }
        var rest = path[Prefix.Length..];
        if (request.HttpMethod == "GET" && rest == "invocation/next")
        {
            Interlocked.Increment(ref _nextRequests);
            FirstNext.TrySetResult(DateTimeOffset.UtcNow);
            QueuedEvent next;
            try
            {
                next = await _events.Reader.ReadAsync();
            }
            catch (ChannelClosedException)
            {
                return;
            }
            _outstanding[next.RequestId] = true;
            var response = context.Response;
            response.Headers["Lambda-Runtime-Aws-Request-Id"] = next.RequestId;
            response.Headers["Lambda-Runtime-Deadline-Ms"] = next.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            if (next.FunctionArn is not null)
            {
                response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = next.FunctionArn;
            }
            if (next.TraceId is not null)
            {
                response.Headers["Lambda-Runtime-Trace-Id"] = next.TraceId;
            }
            await LoopbackHttpServer.WriteAsync(response, 200, next.Body);
            return;
        }

        if (request.HttpMethod != "POST")
        {
            await LoopbackHttpServer.WriteAsync(context.Response, 405, """{"errorType":"MethodNotAllowed","errorMessage":"POST expected"}""");
            return;
        }
        var body = Encoding.UTF8.GetString(await LoopbackHttpServer.ReadBodyAsync(request));
        var errorType = request.Headers["Lambda-Runtime-Function-Error-Type"];
        var contentType = request.ContentType;
        if (rest == "init/error")
        {
            _reports.Writer.TryWrite(new RuntimeReport(RuntimeReportKind.InitError, null, body, errorType, contentType));
            await LoopbackHttpServer.WriteAsync(context.Response, 202, """{"status":"OK"}""");
            return;
        }
        var parts = rest.Split('/');
        if (parts.Length == 3 && parts[0] == "invocation" && parts[2] is "response" or "error")
        {
            var id = Uri.UnescapeDataString(parts[1]);
            if (!_outstanding.TryRemove(id, out _))
            {
                // The real Runtime API rejects reports for unknown or already-answered request ids.
                await LoopbackHttpServer.WriteAsync(context.Response, 400, """{"errorType":"InvalidRequestID","errorMessage":"unknown request id"}""");
                return;
            }
            var kind = parts[2] == "response" ? RuntimeReportKind.Response : RuntimeReportKind.Error;
            _reports.Writer.TryWrite(new RuntimeReport(kind, id, body, errorType, contentType));
            await LoopbackHttpServer.WriteAsync(context.Response, 202, """{"status":"OK"}""");
            return;
        }
        await LoopbackHttpServer.WriteAsync(context.Response, 404, """{"errorType":"NotFound","errorMessage":"unknown path"}""");
    }

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        await _server.DisposeAsync();
    }

    private sealed record QueuedEvent(string RequestId, string Body, DateTimeOffset Deadline, string? TraceId, string? FunctionArn);
}

public enum RuntimeReportKind
{
    Response,
    Error,
    InitError,
}

/// <summary>What the runtime posted back: kind, request id, body, Lambda-Runtime-Function-Error-Type, content type.</summary>
public sealed record RuntimeReport(RuntimeReportKind Kind, string? RequestId, string Body, string? ErrorType, string? ContentType);
