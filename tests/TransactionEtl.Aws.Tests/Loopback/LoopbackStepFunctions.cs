using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using TransactionEtl.Aws.Signing;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Loopback;

/// <summary>
/// Step Functions' StartExecution on loopback: keeps executions by name (a repeated name answers
/// ExecutionAlreadyExists, as the service does once an execution exists with other input or has closed),
/// can throttle or fail the next N calls, and checks each request's SigV4 signature by recomputing it
/// from the headers the client declared signed.
/// </summary>
public sealed class LoopbackStepFunctions : IAsyncDisposable
{
    public const string Region = "eu-west-1";
    public const string AccessKey = "AKIDLOOPBACKTEST";
    public const string SecretKey = "loopback/secret/key/for/tests/only/0123456";
    public const string SessionToken = "FwoGZXIvYXdzELoopbackSessionToken//+==";

    private readonly LoopbackHttpServer _server;
    private readonly ConcurrentDictionary<string, string> _executions = new();
    private int _throttleNext;
    private int _failNext;

    public LoopbackStepFunctions()
    {
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public Uri Endpoint => _server.BaseUri;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Execution name to input, for executions this server started.</summary>
    public IReadOnlyDictionary<string, string> Executions => _executions;

    public void ThrottleNext(int count) => Volatile.Write(ref _throttleNext, count);

    public void FailNext(int count) => Volatile.Write(ref _failNext, count);

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var body = await LoopbackHttpServer.ReadBodyAsync(request);
        var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.HttpMethod, request.Url!.AbsolutePath, headers, Encoding.UTF8.GetString(body), SignatureMatches(request, headers, body));
        Requests.Enqueue(recorded);

        if (Interlocked.Decrement(ref _throttleNext) >= 0)
        {
            await LoopbackHttpServer.WriteAsync(context.Response, 400,
                """{"__type":"com.amazonaws.swf.service.v2.model#ThrottlingException","message":"Rate exceeded"}""", "application/x-amz-json-1.0");
            return;
        }
        if (Interlocked.Decrement(ref _failNext) >= 0)
        {
            await LoopbackHttpServer.WriteAsync(context.Response, 500,
                """{"__type":"com.amazonaws.swf.service.v2.model#InternalFailure","message":"try again"}""", "application/x-amz-json-1.0");
            return;
        }
        if (!recorded.SignatureValid)
        {
            await LoopbackHttpServer.WriteAsync(context.Response, 403,
                """{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided."}""", "application/x-amz-json-1.0");
            return;
        }
        using var document = JsonDocument.Parse(body);
        var arn = document.RootElement.GetProperty("stateMachineArn").GetString()!;
        if (!arn.Contains(":stateMachine:", StringComparison.Ordinal))
        {
            await LoopbackHttpServer.WriteAsync(context.Response, 400,
                """{"__type":"com.amazonaws.swf.service.v2.model#InvalidArn","message":"Invalid Arn"}""", "application/x-amz-json-1.0");
            return;
        }
        var name = document.RootElement.GetProperty("name").GetString()!;
        var input = document.RootElement.GetProperty("input").GetString()!;
        if (!_executions.TryAdd(name, input))
        {
            await LoopbackHttpServer.WriteAsync(context.Response, 400,
                $$"""{"__type":"com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists","message":"Execution Already Exists: '{{name}}'"}""", "application/x-amz-json-1.0");
            return;
        }
        var executionArn = arn.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":" + name;
        await LoopbackHttpServer.WriteAsync(context.Response, 200,
            $$"""{"executionArn":"{{executionArn}}","startDate":1.764158E9}""", "application/x-amz-json-1.0");
    }

    /// <summary>Recomputes the signature the way AWS does: from the declared SignedHeaders and the body.</summary>
    private static bool SignatureMatches(HttpListenerRequest request, Dictionary<string, string> headers, byte[] body)
    {
        if (!headers.TryGetValue("Authorization", out var authorization) || !headers.TryGetValue("X-Amz-Date", out var amzDate))
        {
            return false;
        }
        var signedPart = authorization.Split(", ").FirstOrDefault(p => p.StartsWith("SignedHeaders=", StringComparison.Ordinal));
        if (signedPart is null)
        {
            return false;
        }
        var signedNames = signedPart["SignedHeaders=".Length..].Split(';');
        var signed = new List<KeyValuePair<string, string>>();
        foreach (var name in signedNames)
        {
            if (!headers.TryGetValue(name, out var value))
            {
                return false;
            }
            signed.Add(new(name, value));
        }
        var time = DateTimeOffset.ParseExact(amzDate, SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var expected = SigV4Signer.Sign(
            new SigV4Request(request.HttpMethod, request.Url!.AbsolutePath, request.Url.Query.TrimStart('?'), signed, SigV4Signer.Sha256Hex(body)),
            new ImmutableCredentials(AccessKey, SecretKey, headers.GetValueOrDefault("X-Amz-Security-Token")),
            Region, "states", time);
        return expected.Authorization == authorization;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, bool SignatureValid);
