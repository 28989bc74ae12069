using System.Text.Json;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Testing;
using Microsoft.Extensions.Logging;

namespace TransactionEtl.Aws.Tests.Secrets;

/// <summary>A loopback server speaking SSM's JSON protocol for GetParameter, serving the given secrets.</summary>
internal sealed class SsmLoopback : IAsyncDisposable
{
    private readonly Func<string, int, string?> _valueFor;

    /// <param name="valueFor">Secret id and the how-many-th read of it (1-based) to its text; null means not found.</param>
    public SsmLoopback(Func<string, int, string?> valueFor)
    {
        _valueFor = valueFor;
        Server = new LoopbackHttpServer(Respond);
    }

    public LoopbackHttpServer Server { get; }

    public Dictionary<string, int> Reads { get; } = [];

    /// <summary>A SecretReader whose SSM client points here through AWS_ENDPOINT_URL_SSM.</summary>
    public SecretReader CreateReader(SecretRedactor redactor, ILogger logger)
    {
        var endpoints = AwsServiceEndpoints.FromEnvironment(k => k switch
        {
            EnvironmentVariables.EndpointUrlSsm => Server.BaseUri.ToString(),
            EnvironmentVariables.Region => "eu-west-1",
            _ => null,
        });
        var ssm = SsmClientFactory.Create(endpoints, new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "test-secret-key"));
        return new SecretReader(ssm, redactor, logger);
    }

    private LoopbackResponse Respond(RecordedRequest request, int number)
    {
        if (!request.Headers.TryGetValue("X-Amz-Target", out var target) || target != "AmazonSSM.GetParameter")
        {
            return Error(400, "UnknownOperationException", $"unexpected target {target}");
        }
        using var body = JsonDocument.Parse(request.Body);
        var name = body.RootElement.GetProperty("Name").GetString()!;
        if (!body.RootElement.TryGetProperty("WithDecryption", out var decrypt) || !decrypt.GetBoolean())
        {
            return Error(400, "ValidationException", "WithDecryption must be true for Secrets Manager references");
        }
        const string prefix = "/aws/reference/secretsmanager/";
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return Error(400, "ParameterNotFound", name);
        }
        var id = name[prefix.Length..];
        int n;
        lock (Reads)
        {
            n = Reads[id] = Reads.GetValueOrDefault(id) + 1;
        }
        var value = _valueFor(id, n);
        if (value is null)
        {
            return Error(400, "ParameterNotFound", $"Secret {id} not found.");
        }
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Parameter"] = new Dictionary<string, object>
            {
                ["Name"] = name, ["Type"] = "SecureString", ["Value"] = value, ["Version"] = n,
                ["ARN"] = $"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{id}", ["DataType"] = "text",
            },
        });
        return new LoopbackResponse(200, json, new Dictionary<string, string> { ["Content-Type"] = "application/x-amz-json-1.1" });
    }

    private static LoopbackResponse Error(int status, string type, string message) =>
        new(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }),
            new Dictionary<string, string> { ["Content-Type"] = "application/x-amz-json-1.1" });

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
